import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createOidcDiscovery, JWKS_PATH, OPENID_CONFIG_PATH, type OidcDiscovery } from './oidc-discovery.ts';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ISSUER = 'https://kubernetes.default.svc.cluster.local';

function served(options: Parameters<typeof createOidcDiscovery>[0]): OidcDiscovery {
  const setup = createOidcDiscovery(options);
  if (!setup.ok) throw new Error(setup.reason);
  return setup.discovery;
}

describe('createOidcDiscovery', () => {
  it('serves the provider metadata with a jwks_uri on the external address and the keys’ algorithms', () => {
    const res = served({ issuer: ISSUER, publicKeysPem: [rsa, ec] }).serve(OPENID_CONFIG_PATH, '10.0.0.1:6443');
    expect(res?.status).toBe(200);
    expect(res?.headers).toEqual({ 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
    expect(JSON.parse(res?.body as string)).toEqual({
      issuer: ISSUER,
      jwks_uri: 'https://10.0.0.1:6443/openid/v1/jwks',
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
    });
  });

  it('uses --service-account-jwks-uri verbatim when given', () => {
    const res = served({ issuer: ISSUER, jwksUri: 'https://keys.example.com/jwks', publicKeysPem: [rsa] }).serve(OPENID_CONFIG_PATH, '10.0.0.1:6443');
    expect(JSON.parse(res?.body as string).jwks_uri).toBe('https://keys.example.com/jwks');
  });

  it('brackets an IPv6 external address in the default jwks_uri', () => {
    const res = served({ issuer: ISSUER, publicKeysPem: [rsa] }).serve(OPENID_CONFIG_PATH, 'fd00::1:6443');
    expect(JSON.parse(res?.body as string).jwks_uri).toBe('https://[fd00::1]:6443/openid/v1/jwks');
  });

  it('serves the key set as application/jwk-set+json, one signing key per distinct key', () => {
    const res = served({ issuer: ISSUER, publicKeysPem: [rsa, rsa, ec] }).serve(JWKS_PATH, '10.0.0.1:6443');
    expect(res?.headers).toEqual({ 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=3600' });
    const { keys } = JSON.parse(res?.body as string) as { keys: Record<string, string>[] };
    expect(keys.map((k) => [k.kty, k.alg, k.use])).toEqual([
      ['RSA', 'RS256', 'sig'],
      ['EC', 'ES256', 'sig'],
    ]);
    for (const k of keys) expect(k.d).toBeUndefined();
  });

  it('answers nothing for other paths', () => {
    expect(served({ issuer: ISSUER, publicKeysPem: [rsa] }).serve('/openid/v1', '10.0.0.1:6443')).toBeUndefined();
  });

  it('is disabled without keys', () => {
    expect(createOidcDiscovery({ issuer: ISSUER, publicKeysPem: [] })).toEqual({ ok: false, reason: 'no keys provided for validating keyset' });
  });

  it('is disabled for an issuer that is not an https URL, or has a query or fragment', () => {
    expect(createOidcDiscovery({ issuer: 'http://issuer.example', publicKeysPem: [rsa] })).toEqual({
      ok: false,
      reason: 'issuer URL must use https scheme, got: http://issuer.example',
    });
    expect(createOidcDiscovery({ issuer: 'https://issuer.example/?a=b', publicKeysPem: [rsa] }).ok).toBe(false);
    expect(createOidcDiscovery({ issuer: 'https://issuer.example/#x', publicKeysPem: [rsa] }).ok).toBe(false);
    expect(createOidcDiscovery({ issuer: 'not a url', publicKeysPem: [rsa] }).ok).toBe(false);
  });
});
