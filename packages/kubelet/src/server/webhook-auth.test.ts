// The kubelet's webhook authentication and authorization against a real apiserver: token-file users,
// Node + RBAC authorization, the kubelet calling TokenReview and SubjectAccessReview as system:node:node-a.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startApiserver } from '@hubspoke/apiserver';
import type { ApiserverHandle } from '@hubspoke/apiserver';
import { createClient } from '@hubspoke/client';
import type { ApiClient } from '@hubspoke/client';
import { buildKubeletAuth } from './auth/chain.ts';
import type { KubeletHost } from './host.ts';
import { kubeletRoutes } from './routes.ts';
import type { KubeletRoute } from './routes.ts';
import { startKubeletServer } from './server.ts';
import type { ListeningServer } from './server.ts';
import { send, sendUpgrade } from './test-wire.ts';
import { createCA, issueCertificate } from '@hubspoke/pki';
import type { CertKey } from '@hubspoke/pki';

const TOKENS = [
  'admin-token,admin,admin-uid,"system:masters"',
  'kubelet-token,system:node:node-a,node-a-uid,"system:nodes"',
  'alice-token,alice,alice-uid,"devs"',
  'bob-token,bob,bob-uid',
].join('\n');

let apiserver: ApiserverHandle;
let admin: ApiClient;
let kubeletClient: ApiClient;
let kubelet: ListeningServer;
let servingCA: CertKey;
/** Paths of the reviews the kubelet created, in order. */
const reviews: string[] = [];
/** The subprotocols the upgrade probe saw. */
const upgradeProtocols: Array<string | undefined> = [];

// A route that completes any upgrade it is handed, so the test sees what got through.
const probe: KubeletRoute = {
  method: 'GET',
  path: '/upgrade-probe/:name',
  subresource: 'proxy',
  readOnly: false,
  handler: ({ res }) => void res.end(),
  upgrade: ({ socket, req }) => {
    upgradeProtocols.push(req.headers['sec-websocket-protocol'] as string | undefined);
    socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  },
};

beforeAll(async () => {
  apiserver = await startApiserver({
    bindAddress: '127.0.0.1',
    securePort: 0,
    tokenAuthFile: TOKENS,
    anonymousAuth: false,
    authorizationModes: ['Node', 'RBAC'],
    controllers: false,
  });
  const connection = { server: apiserver.url, caCert: apiserver.servingCert };
  admin = createClient({ ...connection, token: 'admin-token' });
  await admin.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'bob-kubelet-api-admin' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:kubelet-api-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
  });

  kubeletClient = createClient({ ...connection, token: 'kubelet-token' });
  const counting = {
    create: <T>(path: string, body: unknown) => {
      reviews.push(path);
      return kubeletClient.create<T>(path, body);
    },
  };
  const auth = buildKubeletAuth({
    nodeName: 'node-a',
    anonymousAuth: false,
    authenticationTokenWebhook: true,
    authorizationMode: 'Webhook',
    client: counting,
  });
  servingCA = await createCA({ commonName: 'node-a-ca' });
  const serving = await issueCertificate({ ca: servingCA, commonName: 'node-a', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const host = { nodeName: 'node-a', pods: () => [] } as Partial<KubeletHost> as KubeletHost;
  kubelet = await startKubeletServer({
    host,
    address: '127.0.0.1',
    port: 0,
    cert: serving.cert,
    key: serving.key,
    auth,
    logger: pino({ level: 'silent' }),
    routes: [...kubeletRoutes, probe],
  });
});

afterAll(async () => {
  await kubelet?.close();
  admin?.close();
  kubeletClient?.close();
  await apiserver?.close();
});

const get = (path: string, token: string) =>
  send({ port: kubelet.port, path, ca: servingCA.cert, headers: { Authorization: `Bearer ${token}` } });

const TOKEN_REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';
const SUBJECT_ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

describe('kubelet webhook authentication and authorization', () => {
  it('refuses a user without nodes/proxy with the kubelet Forbidden text', async () => {
    const res = await get('/pods', 'alice-token');
    expect(res).toMatchObject({ status: 403, body: 'Forbidden (user=alice, verb=get, resource=nodes, subresource=proxy)' });
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('serves a user bound to system:kubelet-api-admin', async () => {
    const res = await get('/pods', 'bob-token');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'PodList', apiVersion: 'v1', items: [] });
  });

  it('answers a token the apiserver does not know with 401 Unauthorized', async () => {
    const before = reviews.length;
    expect(await get('/pods', 'nobody-token')).toMatchObject({ status: 401, body: 'Unauthorized' });
    expect(reviews.slice(before)).toEqual([TOKEN_REVIEWS]);
  });

  it('remembers both answers: a repeated request makes no TokenReview or SubjectAccessReview', async () => {
    await get('/healthz', 'bob-token');
    await get('/healthz', 'alice-token');
    const before = reviews.length;
    expect((await get('/healthz', 'bob-token')).status).toBe(200);
    expect((await get('/healthz', 'alice-token')).status).toBe(403);
    expect(reviews.length).toBe(before);
  });

  it('asks again when the same user reaches another subresource', async () => {
    await get('/pods', 'bob-token');
    const before = reviews.length;
    expect((await get('/stats/summary', 'bob-token')).status).toBe(404);
    expect(reviews.slice(before)).toEqual([SUBJECT_ACCESS_REVIEWS]);
  });

  it('authenticates an upgrade by the WebSocket bearer subprotocol and strips the token before the route sees it', async () => {
    const token = Buffer.from('bob-token').toString('base64url');
    const reply = await sendUpgrade({
      port: kubelet.port,
      path: '/upgrade-probe/x',
      ca: servingCA.cert,
      headers: { 'Sec-WebSocket-Protocol': `base64url.bearer.authorization.k8s.io.${token}, v5.channel.k8s.io` },
    });
    expect(reply).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(upgradeProtocols.at(-1)).toBe('v5.channel.k8s.io');
  });

  it('refuses an upgrade by a user without nodes/proxy with 403 on the raw socket', async () => {
    const before = upgradeProtocols.length;
    const reply = await sendUpgrade({ port: kubelet.port, path: '/upgrade-probe/x', ca: servingCA.cert, headers: { Authorization: 'Bearer alice-token' } });
    expect(reply).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(reply.endsWith('\r\n\r\nForbidden (user=alice, verb=get, resource=nodes, subresource=proxy)')).toBe(true);
    expect(upgradeProtocols).toHaveLength(before);
  });
});
