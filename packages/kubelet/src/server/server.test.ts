import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Attributes } from '@hubspoke/auth';
import { createCA, issueCertificate } from '@hubspoke/pki';
import type { CertKey } from '@hubspoke/pki';
import { buildKubeletAuth } from './auth/chain.ts';
import { verbForMethod } from './auth/attributes.ts';
import type { KubeletHost } from './host.ts';
import { kubeletRoutes, subresourceForPath } from './routes.ts';
import type { KubeletRoute } from './routes.ts';
import { startKubeletServer, startReadOnlyServer } from './server.ts';
import type { ListeningServer } from './server.ts';
import { samplePath, send, sendUpgrade } from './test-wire.ts';

const logger = pino({ level: 'silent' });
// Handlers never run for refused requests; the read-only routes only list pods.
const host = { nodeName: 'node-a', pods: () => [] } as Partial<KubeletHost> as KubeletHost;

let servingCA: CertKey;
let serving: CertKey;
let clientCA: CertKey;
let admin: CertKey;
let stranger: CertKey;
const servers: ListeningServer[] = [];

beforeAll(async () => {
  servingCA = await createCA({ commonName: 'node-a-serving-ca' });
  serving = await issueCertificate({ ca: servingCA, commonName: 'node-a', ipAddresses: ['127.0.0.1'], usage: 'server' });
  clientCA = await createCA({ commonName: 'kubernetes' });
  admin = await issueCertificate({ ca: clientCA, commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
  const otherCA = await createCA({ commonName: 'someone-else' });
  stranger = await issueCertificate({ ca: otherCA, commonName: 'kube-apiserver-kubelet-client', usage: 'client' });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A kubelet HTTPS server on 127.0.0.1:0 with x509 authentication and anonymous auth off. */
async function secureServer(opts: { routes?: readonly KubeletRoute[]; authorize?: (attrs: Attributes) => boolean; reviews?: Attributes[] } = {}) {
  const auth = buildKubeletAuth({
    nodeName: 'node-a',
    clientCA: clientCA.cert,
    anonymousAuth: false,
    authenticationTokenWebhook: false,
    authorizationMode: opts.authorize ? 'Webhook' : 'AlwaysAllow',
    // An apiserver stand-in answering SubjectAccessReviews with `authorize`.
    client: {
      async create<T>(_path: string, body: unknown): Promise<T> {
        const spec = (body as { spec: { user: string; resourceAttributes: Record<string, string> } }).spec;
        const attrs: Attributes = {
          user: { name: spec.user, groups: [] },
          verb: spec.resourceAttributes.verb ?? '',
          isResourceRequest: true,
          resource: spec.resourceAttributes.resource,
          subresource: spec.resourceAttributes.subresource,
          name: spec.resourceAttributes.name,
        };
        opts.reviews?.push(attrs);
        return { status: { allowed: opts.authorize!(attrs) } } as T;
      },
    },
  });
  const server = await startKubeletServer({
    host,
    address: '127.0.0.1',
    port: 0,
    cert: serving.cert,
    key: serving.key,
    clientCA: clientCA.cert,
    auth,
    logger,
    routes: opts.routes,
  });
  servers.push(server);
  return server.port;
}

const asAdmin = () => ({ ca: servingCA.cert, cert: admin.cert, key: admin.key });

describe('kubelet server authentication', () => {
  let port: number;
  beforeAll(async () => {
    port = await secureServer();
  });

  it('answers 401 Unauthorized in plain text to a request without credentials', async () => {
    const res = await send({ port, path: '/pods', ca: servingCA.cert });
    expect(res.status).toBe(401);
    expect(res.body).toBe('Unauthorized');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('refuses every registered route, plain or upgraded, without credentials', async () => {
    expect(kubeletRoutes.length).toBeGreaterThan(0);
    for (const route of kubeletRoutes) {
      const path = samplePath(route.path);
      const plain = await send({ port, method: route.method, path, ca: servingCA.cert });
      expect({ route: `${route.method} ${route.path}`, status: plain.status, body: plain.body }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
        body: 'Unauthorized',
      });
      const upgraded = await sendUpgrade({ port, method: route.method, path, ca: servingCA.cert });
      expect(upgraded, `${route.method} ${route.path} upgraded`).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n[\s\S]*\r\n\r\nUnauthorized$/);
    }
  });

  it('authenticates before routing, so unknown paths tell an anonymous caller nothing', async () => {
    expect((await send({ port, path: '/no-such-thing', ca: servingCA.cert })).status).toBe(401);
    expect((await send({ port, path: '/no-such-thing', ...asAdmin() })).status).toBe(404);
  });

  it('keeps /healthz behind authentication on the secure port', async () => {
    expect((await send({ port, path: '/healthz', ca: servingCA.cert })).status).toBe(401);
    expect(await send({ port, path: '/healthz', ...asAdmin() })).toMatchObject({ status: 200, body: 'ok' });
  });

  it('accepts a client certificate signed by the client CA', async () => {
    const res = await send({ port, path: '/pods', ...asAdmin() });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'PodList', items: [] });
  });

  it('refuses a client certificate signed by another CA', async () => {
    const res = await send({ port, path: '/pods', ca: servingCA.cert, cert: stranger.cert, key: stranger.key });
    expect(res).toMatchObject({ status: 401, body: 'Unauthorized' });
  });

  it('answers an unauthenticated WebSocket upgrade to /exec with 401 on the raw socket and closes it', async () => {
    const reply = await sendUpgrade({ port, path: '/exec/default/web/app?command=ls&output=1', ca: servingCA.cert });
    expect(reply).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(reply).toContain('Content-Type: text/plain; charset=utf-8\r\n');
    expect(reply.endsWith('\r\n\r\nUnauthorized')).toBe(true);
  });

  it('refuses a bearer token when no token webhook is configured and anonymous auth is off', async () => {
    const res = await send({ port, path: '/pods', ca: servingCA.cert, headers: { Authorization: 'Bearer anything' } });
    expect(res.status).toBe(401);
  });
});

describe('kubelet server authorization', () => {
  it('authorizes every registered route against the nodes subresource its path names', async () => {
    const reviews: Attributes[] = [];
    const port = await secureServer({ authorize: () => false, reviews });
    for (const route of kubeletRoutes) {
      const path = samplePath(route.path);
      expect({ path: route.path, subresource: route.subresource }).toEqual({ path: route.path, subresource: subresourceForPath(path) });
      const expected = `Forbidden (user=kube-apiserver-kubelet-client, verb=${verbForMethod(route.method)}, resource=nodes, subresource=${route.subresource})`;
      const res = await send({ port, method: route.method, path, ...asAdmin() });
      expect({ route: `${route.method} ${route.path}`, status: res.status, body: res.body }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 403,
        body: expected,
      });
      expect(reviews.at(-1)).toMatchObject({ resource: 'nodes', name: 'node-a', subresource: route.subresource });
      const upgraded = await sendUpgrade({ port, method: route.method, path, ...asAdmin() });
      expect(upgraded).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
      expect(upgraded.endsWith(`\r\n\r\n${expected}`)).toBe(true);
    }
  });

  it('authorizes stats, metrics and logs paths against their own subresources', async () => {
    const reviews: Attributes[] = [];
    const port = await secureServer({ authorize: (a) => a.subresource === 'stats', reviews });
    expect((await send({ port, path: '/stats/summary', ...asAdmin() })).status).toBe(404);
    const metrics = await send({ port, path: '/metrics/cadvisor', ...asAdmin() });
    expect(metrics.body).toBe('Forbidden (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource=metrics)');
    const logs = await send({ port, method: 'POST', path: '/logs/syslog', ...asAdmin() });
    expect(logs.body).toBe('Forbidden (user=kube-apiserver-kubelet-client, verb=create, resource=nodes, subresource=log)');
    expect(reviews.map((r) => r.subresource)).toEqual(['stats', 'metrics', 'log']);
  });

  it('answers 500 Authorization error when the SubjectAccessReview cannot be made', async () => {
    const port = await secureServer({
      authorize: () => {
        throw new Error('apiserver unreachable');
      },
    });
    const res = await send({ port, path: '/pods', ...asAdmin() });
    expect(res).toMatchObject({
      status: 500,
      body: 'Authorization error (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource=proxy)',
    });
  });
});

describe('kubelet server upgrades', () => {
  const seen: Array<{ params: Record<string, string>; query: string; protocol?: string }> = [];
  const routes: KubeletRoute[] = [
    {
      method: 'GET',
      path: '/exec/:namespace/:pod/:container',
      subresource: 'proxy',
      readOnly: false,
      handler: ({ res }) => void res.end('not an upgrade'),
      upgrade: ({ socket, params, query, req }) => {
        seen.push({ params, query: query.toString(), protocol: req.headers['sec-websocket-protocol'] as string | undefined });
        socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
      },
    },
    { method: 'GET', path: '/pods', subresource: 'proxy', readOnly: true, handler: ({ res }) => void res.end('[]') },
  ];
  let port: number;
  beforeAll(async () => {
    port = await secureServer({ routes, authorize: () => true });
  });

  it("hands an authenticated, authorized upgrade to its route's upgrade with parameters and query", async () => {
    const reply = await sendUpgrade({ port, path: '/exec/kube-system/my%20pod/c?command=date', ...asAdmin() });
    expect(reply).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(seen.at(-1)).toEqual({ params: { namespace: 'kube-system', pod: 'my pod', container: 'c' }, query: 'command=date', protocol: 'v5.channel.k8s.io' });
  });

  it('answers 400 Bad Request on the raw socket for a route that does not upgrade', async () => {
    expect(await sendUpgrade({ port, path: '/pods', ...asAdmin() })).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('answers 404 and 405 on the raw socket for unknown paths and methods', async () => {
    expect(await sendUpgrade({ port, path: '/nothing', ...asAdmin() })).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[\s\S]*404 page not found\n$/);
    expect(await sendUpgrade({ port, method: 'POST', path: '/exec/a/b/c', ...asAdmin() })).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
  });

  it('does not reach the route when authentication fails', async () => {
    const before = seen.length;
    expect(await sendUpgrade({ port, path: '/exec/a/b/c', ca: servingCA.cert, cert: stranger.cert, key: stranger.key })).toMatch(/^HTTP\/1\.1 401 /);
    expect(seen).toHaveLength(before);
  });
});

describe('read-only server', () => {
  it('serves only the read-only routes, without authentication, over plain HTTP', async () => {
    const server = await startReadOnlyServer({ host, address: '127.0.0.1', port: 0, logger });
    servers.push(server);
    expect(kubeletRoutes.some((r) => r.readOnly)).toBe(true);
    for (const route of kubeletRoutes) {
      const res = await send({ port: server.port, method: route.method, path: samplePath(route.path) });
      expect({ route: route.path, status: res.status }).toEqual({ route: route.path, status: route.readOnly ? 200 : 404 });
    }
  });
});
