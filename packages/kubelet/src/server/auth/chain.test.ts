import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCA, issueCertificate } from '@hubspoke/pki';
import type { CertKey } from '@hubspoke/pki';
import { buildKubeletAuth } from './chain.ts';

/** A client that accepts the token `good` as alice and records every review. */
function reviewingClient() {
  const paths: string[] = [];
  return {
    paths,
    client: {
      async create<T>(path: string, body: unknown): Promise<T> {
        paths.push(path);
        const token = (body as { spec: { token?: string } }).spec.token;
        const status = token === 'good' ? { authenticated: true, user: { username: 'alice', groups: ['devs'] } } : { authenticated: false };
        return { status } as T;
      },
    },
  };
}

const wsUpgrade = (protocols: string) => ({
  headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-protocol': protocols },
});

let ca: CertKey;
let adminCert: Buffer;

beforeAll(async () => {
  ca = await createCA({ commonName: 'kubelet-client-ca' });
  const admin = await issueCertificate({ ca, commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
  adminCert = new X509Certificate(admin.cert).raw;
});

describe('the kubelet authenticator', () => {
  const base = { nodeName: 'node-a', authorizationMode: 'AlwaysAllow' as const };

  it('runs a request without credentials as system:anonymous when anonymous auth is on', async () => {
    const { authenticator } = buildKubeletAuth({ ...base, anonymousAuth: true, authenticationTokenWebhook: false });
    expect(await authenticator.authenticate({ headers: {} })).toEqual({
      kind: 'authenticated',
      user: { name: 'system:anonymous', groups: ['system:unauthenticated'] },
    });
  });

  it('refuses to be built with no way to authenticate, as Kubernetes does', () => {
    expect(() => buildKubeletAuth({ ...base, anonymousAuth: false, authenticationTokenWebhook: false })).toThrow(
      'No authentication method configured',
    );
  });

  it('needs a client for the token webhook and for Webhook authorization', () => {
    expect(() => buildKubeletAuth({ ...base, anonymousAuth: false, authenticationTokenWebhook: true })).toThrow(/kubeconfig/);
    expect(() =>
      buildKubeletAuth({ ...base, authorizationMode: 'Webhook', anonymousAuth: true, authenticationTokenWebhook: false }),
    ).toThrow(/kubeconfig/);
  });

  it('takes the user from a client certificate first, without asking the apiserver about a token', async () => {
    const { client, paths } = reviewingClient();
    const { authenticator } = buildKubeletAuth({ ...base, clientCA: ca.cert, anonymousAuth: false, authenticationTokenWebhook: true, client });
    const result = await authenticator.authenticate({ headers: { authorization: 'Bearer good' }, peerCertificates: [adminCert] });
    expect(result).toEqual({
      kind: 'authenticated',
      user: { name: 'kube-apiserver-kubelet-client', groups: ['system:masters', 'system:authenticated'] },
    });
    expect(paths).toEqual([]);
  });

  it('authenticates a bearer token by TokenReview and adds system:authenticated', async () => {
    const { client, paths } = reviewingClient();
    const { authenticator } = buildKubeletAuth({ ...base, anonymousAuth: false, authenticationTokenWebhook: true, client });
    expect(await authenticator.authenticate({ headers: { authorization: 'Bearer good' } })).toEqual({
      kind: 'authenticated',
      user: { name: 'alice', groups: ['devs', 'system:authenticated'] },
    });
    expect(paths).toEqual(['/apis/authentication.k8s.io/v1/tokenreviews']);
  });

  it('never lets a rejected token fall through to anonymous', async () => {
    const { client } = reviewingClient();
    const { authenticator } = buildKubeletAuth({ ...base, anonymousAuth: true, authenticationTokenWebhook: true, client });
    expect((await authenticator.authenticate({ headers: { authorization: 'Bearer bad' } })).kind).toBe('rejected');
  });

  it('ignores a bearer token when the token webhook is off, as the kubelet has no one to ask', async () => {
    const { authenticator } = buildKubeletAuth({ ...base, anonymousAuth: true, authenticationTokenWebhook: false });
    const result = await authenticator.authenticate({ headers: { authorization: 'Bearer whatever' } });
    expect(result).toMatchObject({ kind: 'authenticated', user: { name: 'system:anonymous' } });
  });

  it('reads the token of the WebSocket bearer subprotocol', async () => {
    const { client } = reviewingClient();
    const { authenticator } = buildKubeletAuth({ ...base, anonymousAuth: false, authenticationTokenWebhook: true, client });
    const token = Buffer.from('good').toString('base64url');
    const result = await authenticator.authenticate(wsUpgrade(`base64url.bearer.authorization.k8s.io.${token}, v5.channel.k8s.io`));
    expect(result).toMatchObject({ kind: 'authenticated', user: { name: 'alice' } });
  });

  it('rejects a certificate from another CA even with anonymous auth on', async () => {
    const other = await createCA({ commonName: 'other' });
    const stranger = await issueCertificate({ ca: other, commonName: 'stranger', usage: 'client' });
    const { authenticator } = buildKubeletAuth({ ...base, clientCA: ca.cert, anonymousAuth: true, authenticationTokenWebhook: false });
    const result = await authenticator.authenticate({ headers: {}, peerCertificates: [new X509Certificate(stranger.cert).raw] });
    expect(result.kind).toBe('rejected');
  });
});

describe('the kubelet authorizer', () => {
  it('allows everything in AlwaysAllow mode', async () => {
    const { authorizer } = buildKubeletAuth({ nodeName: 'n', anonymousAuth: true, authenticationTokenWebhook: false, authorizationMode: 'AlwaysAllow' });
    const decision = await authorizer.authorize({ user: { name: 'system:anonymous', groups: [] }, verb: 'create', isResourceRequest: true, resource: 'nodes', subresource: 'proxy' });
    expect(decision.kind).toBe('allow');
  });

  it('asks the apiserver in Webhook mode', async () => {
    const paths: string[] = [];
    const client = {
      async create<T>(path: string): Promise<T> {
        paths.push(path);
        return { status: { allowed: false } } as T;
      },
    };
    const { authorizer } = buildKubeletAuth({ nodeName: 'n', anonymousAuth: true, authenticationTokenWebhook: false, authorizationMode: 'Webhook', client });
    const decision = await authorizer.authorize({ user: { name: 'bob', groups: [] }, verb: 'get', isResourceRequest: true, resource: 'nodes', subresource: 'stats', name: 'n' });
    expect(decision.kind).toBe('no-opinion');
    expect(paths).toEqual(['/apis/authorization.k8s.io/v1/subjectaccessreviews']);
  });
});
