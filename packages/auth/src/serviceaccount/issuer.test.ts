import { describe, it, expect } from 'vitest';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { createTokenIssuer } from './issuer.ts';

const pem = (type: 'ec' | 'rsa') =>
  type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

const ISSUER = 'https://kubernetes.default.svc.cluster.local';

describe('createTokenIssuer', () => {
  it('signs EC keys with ES256 and names the key by the SHA-256 of its SPKI', async () => {
    const privateKeyPem = pem('ec');
    const issuer = createTokenIssuer({ privateKeyPem, issuer: ISSUER });
    const spki = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' });
    expect(issuer.keyId).toBe(createHash('sha256').update(spki).digest('base64url'));

    const { token } = await issuer.issue({
      namespace: 'default',
      serviceAccount: { name: 'default', uid: 'sa-uid' },
      audiences: [ISSUER],
      expirationSeconds: 3607,
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: issuer.keyId });
  });

  it('signs RSA keys with RS256', async () => {
    const issuer = createTokenIssuer({ privateKeyPem: pem('rsa'), issuer: ISSUER });
    expect(issuer.algorithm).toBe('RS256');
    const { token } = await issuer.issue({ namespace: 'a', serviceAccount: { name: 'b', uid: 'c' }, audiences: ['x'], expirationSeconds: 600 });
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
  });

  it('writes the registered and kubernetes.io claims of a pod-bound token', async () => {
    const privateKeyPem = pem('ec');
    const issuer = createTokenIssuer({ privateKeyPem, issuer: ISSUER });
    const now = new Date('2026-11-28T12:00:00Z');
    const issued = await issuer.issue({
      namespace: 'team',
      serviceAccount: { name: 'builder', uid: 'sa-1' },
      pod: { name: 'web-0', uid: 'pod-1' },
      node: { name: 'node-1', uid: 'node-uid' },
      audiences: ['api', 'vault'],
      expirationSeconds: 3607,
      warnAfter: new Date('2026-11-28T13:00:07Z'),
      now,
    });
    const { payload } = await jwtVerify(issued.token, createPublicKey(privateKeyPem), { currentDate: now, audience: 'vault' });
    const iat = now.getTime() / 1000;
    expect(payload).toEqual({
      iss: ISSUER,
      sub: 'system:serviceaccount:team:builder',
      aud: ['api', 'vault'],
      iat,
      nbf: iat,
      exp: iat + 3607,
      jti: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      'kubernetes.io': {
        namespace: 'team',
        serviceaccount: { name: 'builder', uid: 'sa-1' },
        pod: { name: 'web-0', uid: 'pod-1' },
        node: { name: 'node-1', uid: 'node-uid' },
        warnafter: iat + 3607,
      },
    });
    expect(issued.expirationTimestamp.toISOString()).toBe('2026-11-28T13:00:07.000Z');
  });

  it('gives every token its own jti', async () => {
    const issuer = createTokenIssuer({ privateKeyPem: pem('ec'), issuer: ISSUER });
    const req = { namespace: 'a', serviceAccount: { name: 'b', uid: 'c' }, audiences: ['x'], expirationSeconds: 600 };
    const [one, two] = await Promise.all([issuer.issue(req), issuer.issue(req)]);
    expect(one.claims.jti).not.toBe(two.claims.jti);
  });

  it('refuses tokens without an audience', async () => {
    const issuer = createTokenIssuer({ privateKeyPem: pem('ec'), issuer: ISSUER });
    await expect(issuer.issue({ namespace: 'a', serviceAccount: { name: 'b', uid: 'c' }, audiences: [], expirationSeconds: 600 })).rejects.toThrow(
      /audience/,
    );
  });
});
