import { describe, it, expect } from 'vitest';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { jwks } from './jwks.ts';

const pem = (type: 'ec' | 'rsa') =>
  type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

const kidOf = (privateKeyPem: string) =>
  createHash('sha256').update(createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' })).digest('base64url');

describe('jwks', () => {
  it('publishes each verification key once, with kid, use and alg', () => {
    const ec = pem('ec');
    const rsa = pem('rsa');
    const ecPublic = createPublicKey(ec).export({ type: 'spki', format: 'pem' }).toString();
    const set = jwks([ec, `${ecPublic}${rsa}`]);
    expect(set.keys).toHaveLength(2);
    const [ecKey, rsaKey] = set.keys;
    expect(ecKey).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256', kid: kidOf(ec) });
    expect(rsaKey).toMatchObject({ kty: 'RSA', e: 'AQAB', use: 'sig', alg: 'RS256', kid: kidOf(rsa) });
    expect(ecKey).not.toHaveProperty('d');
    expect(rsaKey).not.toHaveProperty('d');
  });
});
