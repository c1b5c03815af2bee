import { describe, it, expect } from 'vitest';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import type { KubeObject } from '@hubspoke/api';
import { serviceAccountAuthenticator, type ServiceAccountAuthenticatorConfig } from './service-account.ts';
import { createTokenIssuer, type TokenClaimsRequest } from '../serviceaccount/issuer.ts';
import type { ObjectSource } from '../authz/types.ts';
import type { AuthnResult } from './types.ts';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const newKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = (privatePem: string) => createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();

const obj = (resource: string, namespace: string | undefined, name: string, uid: string, deletionTimestamp?: string) => ({
  resource,
  object: { metadata: { name, namespace, uid, ...(deletionTimestamp ? { deletionTimestamp } : {}) } } as KubeObject,
});

function sourceOf(entries: { resource: string; object: KubeObject }[]): ObjectSource {
  return {
    get: (resource, namespace, name) =>
      entries.find((e) => e.resource === resource && e.object.metadata.namespace === namespace && e.object.metadata.name === name)?.object,
    list: (resource) => entries.filter((e) => e.resource === resource).map((e) => e.object),
  };
}

const cluster = () => [
  obj('serviceaccounts', 'team', 'builder', 'sa-uid'),
  obj('pods', 'team', 'web-0', 'pod-uid'),
  obj('secrets', 'team', 'builder-token', 'secret-uid'),
  obj('nodes', undefined, 'node-1', 'node-uid'),
];

const signingKey = newKey();
const issuer = createTokenIssuer({ privateKeyPem: signingKey, issuer: ISSUER });
const podToken = (overrides: Partial<TokenClaimsRequest> = {}) =>
  issuer.issue({
    namespace: 'team',
    serviceAccount: { name: 'builder', uid: 'sa-uid' },
    pod: { name: 'web-0', uid: 'pod-uid' },
    node: { name: 'node-1', uid: 'node-uid' },
    audiences: [ISSUER],
    expirationSeconds: 3607,
    ...overrides,
  });

function authenticator(config: Partial<ServiceAccountAuthenticatorConfig> = {}) {
  return serviceAccountAuthenticator({
    publicKeysPem: [publicPem(signingKey)],
    issuers: [ISSUER],
    apiAudiences: [],
    source: sourceOf(cluster()),
    ...config,
  });
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const reasonOf = (r: AuthnResult) => (r.kind === 'rejected' ? r.reason : `not rejected: ${r.kind}`);

describe('serviceAccountAuthenticator', () => {
  it('authenticates a pod-bound token as the ServiceAccount, with the extras Kubernetes sets', async () => {
    const issued = await podToken();
    expect(await authenticator().authenticate(bearer(issued.token))).toEqual({
      kind: 'authenticated',
      user: {
        name: 'system:serviceaccount:team:builder',
        uid: 'sa-uid',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:team'],
        extra: {
          'authentication.kubernetes.io/pod-name': ['web-0'],
          'authentication.kubernetes.io/pod-uid': ['pod-uid'],
          'authentication.kubernetes.io/node-name': ['node-1'],
          'authentication.kubernetes.io/node-uid': ['node-uid'],
          'authentication.kubernetes.io/credential-id': [`JTI=${issued.claims.jti}`],
        },
      },
      audiences: [ISSUER],
    });
  });

  it('has no opinion on tokens that are not JWTs or come from another issuer', async () => {
    const foreign = await createTokenIssuer({ privateKeyPem: signingKey, issuer: 'https://elsewhere' }).issue({
      namespace: 'team',
      serviceAccount: { name: 'builder', uid: 'sa-uid' },
      audiences: [ISSUER],
      expirationSeconds: 600,
    });
    expect(await authenticator().authenticate(bearer('s3cret'))).toEqual({ kind: 'no-opinion' });
    expect(await authenticator().authenticate(bearer(foreign.token))).toEqual({ kind: 'no-opinion' });
    expect(await authenticator().authenticate({ headers: {} })).toEqual({ kind: 'no-opinion' });
  });

  it('rejects a token forged with another key', async () => {
    const forger = createTokenIssuer({ privateKeyPem: newKey(), issuer: ISSUER });
    const forged = await forger.issue({
      namespace: 'team',
      serviceAccount: { name: 'builder', uid: 'sa-uid' },
      audiences: [ISSUER],
      expirationSeconds: 600,
    });
    expect(reasonOf(await authenticator().authenticate(bearer(forged.token)))).toBe(
      'invalid bearer token: token signature does not verify with any service account key',
    );
  });

  it('rejects a token that names our key id but was signed by another key', async () => {
    const { claims } = await podToken();
    const forged = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256', kid: issuer.keyId }).sign(createPrivateKey(newKey()));
    expect(reasonOf(await authenticator().authenticate(bearer(forged)))).toBe(
      'invalid bearer token: token signature does not verify with any service account key',
    );
  });

  it('accepts tokens signed by any of several keys', async () => {
    const newSigningKey = newKey();
    const rotated = await createTokenIssuer({ privateKeyPem: newSigningKey, issuer: ISSUER }).issue({
      namespace: 'team',
      serviceAccount: { name: 'builder', uid: 'sa-uid' },
      audiences: [ISSUER],
      expirationSeconds: 600,
    });
    const authn = authenticator({ publicKeysPem: [publicPem(signingKey), publicPem(newSigningKey)] });
    expect((await authn.authenticate(bearer(rotated.token))).kind).toBe('authenticated');
  });

  it('rejects an expired token', async () => {
    const issued = await podToken({ now: new Date(Date.now() - 7200_000), expirationSeconds: 3600 });
    expect(reasonOf(await authenticator().authenticate(bearer(issued.token)))).toBe('invalid bearer token: service account token has expired');
  });

  it('tolerates a minute of clock skew at expiry', async () => {
    const issued = await podToken({ now: new Date(Date.now() - 630_000), expirationSeconds: 600 });
    expect((await authenticator().authenticate(bearer(issued.token))).kind).toBe('authenticated');
  });

  it('rejects a token whose audiences miss the API audiences', async () => {
    const issued = await podToken({ audiences: ['vault'] });
    const authn = authenticator({ apiAudiences: ['https://kubernetes.default.svc', 'api'] });
    expect(reasonOf(await authn.authenticate(bearer(issued.token)))).toBe(
      'invalid bearer token: token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc" "api"]',
    );
  });

  it('treats empty API audiences as the issuer', async () => {
    const forIssuer = await podToken({ audiences: [ISSUER, 'other'] });
    const result = await authenticator({ apiAudiences: [] }).authenticate(bearer(forIssuer.token));
    expect(result.kind === 'authenticated' && result.audiences).toEqual([ISSUER]);
    const forOther = await podToken({ audiences: ['other'] });
    expect((await authenticator({ apiAudiences: [] }).authenticate(bearer(forOther.token))).kind).toBe('rejected');
  });

  it('checks the audiences a TokenReview asks for and returns the intersection', async () => {
    const issued = await podToken({ audiences: ['vault', 'api'] });
    const authn = authenticator({ apiAudiences: ['api'] });
    const result = await authn.authenticateToken(issued.token, ['vault', 'db']);
    expect(result.kind === 'authenticated' && result.audiences).toEqual(['vault']);
    expect((await authn.authenticateToken(issued.token, ['db'])).kind).toBe('rejected');
  });

  it('rejects a token bound to a pod that was deleted', async () => {
    const issued = await podToken();
    const source = sourceOf(cluster().filter((e) => e.resource !== 'pods'));
    expect(reasonOf(await authenticator({ source }).authenticate(bearer(issued.token)))).toBe(
      'invalid bearer token: service account token has been invalidated',
    );
  });

  it('rejects a token bound to a pod re-created with another uid', async () => {
    const issued = await podToken();
    const source = sourceOf([...cluster().filter((e) => e.resource !== 'pods'), obj('pods', 'team', 'web-0', 'new-pod-uid')]);
    expect(reasonOf(await authenticator({ source }).authenticate(bearer(issued.token)))).toBe(
      'invalid bearer token: pod UID (new-pod-uid) does not match service account pod ref claim (pod-uid)',
    );
  });

  it('keeps a terminating pod\'s token working for the grace minute, then revokes it', async () => {
    const issued = await podToken();
    const deleting = (ago: number) =>
      sourceOf([...cluster().filter((e) => e.resource !== 'pods'), obj('pods', 'team', 'web-0', 'pod-uid', new Date(Date.now() - ago).toISOString())]);
    expect((await authenticator({ source: deleting(10_000) }).authenticate(bearer(issued.token))).kind).toBe('authenticated');
    expect(reasonOf(await authenticator({ source: deleting(120_000) }).authenticate(bearer(issued.token)))).toContain('invalidated');
  });

  it('rejects tokens whose ServiceAccount is gone or was re-created', async () => {
    const issued = await podToken();
    const without = sourceOf(cluster().filter((e) => e.resource !== 'serviceaccounts'));
    expect(reasonOf(await authenticator({ source: without }).authenticate(bearer(issued.token)))).toBe(
      'invalid bearer token: serviceaccount "builder" not found',
    );
    const recreated = sourceOf([...cluster().filter((e) => e.resource !== 'serviceaccounts'), obj('serviceaccounts', 'team', 'builder', 'sa-2')]);
    expect(reasonOf(await authenticator({ source: recreated }).authenticate(bearer(issued.token)))).toBe(
      'invalid bearer token: service account UID (sa-2) does not match claim (sa-uid)',
    );
  });

  it('validates secret-bound and node-bound tokens against their objects', async () => {
    const secretBound = await issuer.issue({
      namespace: 'team',
      serviceAccount: { name: 'builder', uid: 'sa-uid' },
      secret: { name: 'builder-token', uid: 'secret-uid' },
      audiences: [ISSUER],
      expirationSeconds: 600,
    });
    expect((await authenticator().authenticate(bearer(secretBound.token))).kind).toBe('authenticated');
    const noSecret = sourceOf(cluster().filter((e) => e.resource !== 'secrets'));
    expect(reasonOf(await authenticator({ source: noSecret }).authenticate(bearer(secretBound.token)))).toContain('invalidated');

    const nodeBound = await issuer.issue({
      namespace: 'team',
      serviceAccount: { name: 'builder', uid: 'sa-uid' },
      node: { name: 'node-1', uid: 'old-node-uid' },
      audiences: [ISSUER],
      expirationSeconds: 600,
    });
    expect(reasonOf(await authenticator().authenticate(bearer(nodeBound.token)))).toBe(
      'invalid bearer token: node UID (node-uid) does not match service account node ref claim (old-node-uid)',
    );
  });
});
