// ServiceAccount tokens as the document's pods use them (C3): `kubectl create token` with a duration, an
// audience and a bound Pod, judged by a TokenReview sent with kubectl; then every way a token must fail: its
// pod deleted, another audience, expired, signed by another key, and `alg: none`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createTokenIssuer } from '@hubspoke/auth';
import { createServiceAccountKeyPair } from '@hubspoke/pki';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl } from './support/kubectl.ts';

let cluster: Cluster;
const ISSUER = 'https://kubernetes.default.svc.cluster.local';

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1, tokens: [{ token: 'nobody-token-0000000000000', user: 'nobody' }] });
  await cluster.admin.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'holder' },
    spec: { containers: [{ name: 'main', image: 'hubspoke/logger' }] },
  });
});

afterAll(async () => {
  await cluster?.close();
});

const admin = (args: string[], input?: string) => kubectl(args, { kubeconfig: cluster.adminKubeconfig, input });

/**
 * Send a TokenReview with kubectl and return its status. `create --raw`, because `create -f` of a kind without a
 * PATCH operation makes kubectl validate client-side against /openapi/v2, which hubspoke does not serve.
 */
async function review(token: string, audiences?: string[]): Promise<{ authenticated?: boolean; error?: string; user?: Record<string, unknown>; audiences?: string[] }> {
  const manifest = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, ...(audiences ? { audiences } : {}) } });
  const r = await admin(['create', '--raw', '/apis/authentication.k8s.io/v1/tokenreviews', '-f', '-'], manifest);
  expect(r.stderr).toBe('');
  const answer = JSON.parse(r.stdout);
  expect(answer.kind).toBe('TokenReview');
  return answer.status;
}

async function podBoundToken(pod: string, audience: string): Promise<string> {
  const r = await admin(['create', 'token', 'default', '--duration=20m', `--audience=${audience}`, '--bound-object-kind=Pod', `--bound-object-name=${pod}`]);
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

describe('kubectl create token and TokenReview', () => {
  it('issues a pod-bound token with the requested audience and lifetime, and a TokenReview accepts it', async () => {
    const token = await podBoundToken('holder', 'vault');
    const claims = decodeJwt(token) as Record<string, unknown> & { iat: number; exp: number };
    expect(claims.iss).toBe(ISSUER);
    expect(claims.sub).toBe('system:serviceaccount:default:default');
    expect(claims.aud).toEqual(['vault']);
    expect(claims.exp - claims.iat).toBe(1200);
    const pod = await cluster.admin.get('/api/v1/namespaces/default/pods/holder');
    expect(claims['kubernetes.io']).toMatchObject({
      namespace: 'default',
      serviceaccount: { name: 'default' },
      pod: { name: 'holder', uid: pod.metadata.uid },
      node: { name: 'node-1' },
    });

    const status = await review(token, ['vault']);
    expect(status.authenticated).toBe(true);
    expect(status.audiences).toEqual(['vault']);
    expect(status.user).toMatchObject({
      username: 'system:serviceaccount:default:default',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/pod-name': ['holder'], 'authentication.kubernetes.io/pod-uid': [pod.metadata.uid] },
    });
  });

  it('rejects the token for another audience', async () => {
    const token = await podBoundToken('holder', 'vault');
    const status = await review(token, ['not-vault']);
    expect(status.authenticated).toBeFalsy();
    expect(status.error).toContain('audience');
  });

  it('rejects a token whose pod was deleted', async () => {
    await cluster.admin.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'short-lived' },
      spec: { containers: [{ name: 'main', image: 'hubspoke/logger' }] },
    });
    const token = await podBoundToken('short-lived', 'vault');
    expect((await review(token, ['vault'])).authenticated).toBe(true);
    const del = await admin(['delete', 'pod', 'short-lived', '--grace-period=0', '--force']);
    expect(del.code).toBe(0);
    await waitFor(async () => (await cluster.admin.list('/api/v1/namespaces/default/pods')).items.every((p) => p.metadata.name !== 'short-lived'), { what: 'pod gone' });
    const status = await review(token, ['vault']);
    expect(status.authenticated).toBeFalsy();
    expect(status.error).toContain('service account token has been invalidated');
  });

  it('rejects an expired token signed with the cluster key', async () => {
    const sa = await cluster.admin.get('/api/v1/namespaces/default/serviceaccounts/default');
    const issuer = createTokenIssuer({ privateKeyPem: cluster.pki.serviceAccount.privateKey, issuer: ISSUER });
    const { token } = await issuer.issue({
      namespace: 'default',
      serviceAccount: { name: 'default', uid: sa.metadata.uid ?? '' },
      audiences: [ISSUER],
      expirationSeconds: 600,
      now: new Date(Date.now() - 2 * 3600_000),
    });
    const status = await review(token);
    expect(status.authenticated).toBeFalsy();
    expect(status.error).toMatch(/expired/i);
  });

  it('rejects a well-formed token signed by another key, and kubectl gets a 401', async () => {
    const sa = await cluster.admin.get('/api/v1/namespaces/default/serviceaccounts/default');
    const other = await createServiceAccountKeyPair({ type: 'rsa' });
    const issuer = createTokenIssuer({ privateKeyPem: other.privateKey, issuer: ISSUER });
    const { token } = await issuer.issue({ namespace: 'default', serviceAccount: { name: 'default', uid: sa.metadata.uid ?? '' }, audiences: [ISSUER], expirationSeconds: 600 });
    expect((await review(token)).authenticated).toBeFalsy();
    // A token-only kubeconfig (a client certificate would win over the token), with --token replacing its token.
    const r = await kubectl(['get', 'pods', `--token=${token}`], { kubeconfig: cluster.tokenKubeconfigs['nobody'] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('You must be logged in to the server');
    expect((await fetchWithToken(token)).status).toBe(401);
  });

  it('rejects a token with alg none, whatever its claims say', async () => {
    const valid = await podBoundToken('holder', ISSUER);
    const [, payload] = valid.split('.');
    expect(decodeProtectedHeader(valid).alg).not.toBe('none');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    expect((await review(unsigned)).authenticated).toBeFalsy();
    expect((await fetchWithToken(unsigned)).status).toBe(401);
    // Nothing changed: the genuine token still works.
    expect((await review(valid)).authenticated).toBe(true);
  });
});

/** GET /api/v1/namespaces/default/pods with only a bearer token (no client certificate), over real HTTPS. */
async function fetchWithToken(token: string): Promise<{ status: number; body: string }> {
  const { request } = await import('node:https');
  const url = new URL('/api/v1/namespaces/default/pods', cluster.server);
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: cluster.pki.ca.cert, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
