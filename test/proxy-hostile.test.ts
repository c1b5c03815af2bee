// Hostile input to pods/proxy, services/proxy and nodes/proxy: ids Kubernetes refuses or cannot dial, paths
// that try to climb out of the pod, and Host/absolute-URI tricks. Each gets a Status error or a faithful relay
// to the named pod only — shown by what the http-server pods themselves logged — and afterwards the server
// still serves and nothing stored has changed. Raw HTTPS (Node sends the request target exactly as written;
// curl-like clients would resolve `..` before sending) with the admin's client certificate, and kubectl 1.32.
import { request as httpsRequest } from 'node:https';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl } from './support/kubectl.ts';
import { freePort } from './support/net.ts';
import { waitRunning } from './support/pods.ts';

let cluster: Cluster;
let webIP: string;
const SECRET_VALUE = 'hunter2-do-not-leak';

/** What must not change: every pod's identity and spec, every secret as stored. */
async function storedState(): Promise<unknown> {
  const pods = await cluster.admin.list('/api/v1/pods');
  const secrets = await cluster.admin.list('/api/v1/secrets');
  return {
    pods: pods.items.map((p) => ({ name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid, spec: p.spec })),
    secrets: secrets.items.map((s) => ({ ...s.metadata, data: (s as KubeObject & { data?: unknown }).data })),
  };
}

let before: unknown;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1, users: [{ name: 'proxier', groups: [] }] });
  const pod = (name: string, spec: Record<string, unknown> = {}) =>
    cluster.admin.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: name } },
      spec: { containers: [{ name, image: 'hubspoke/http-server', ports: [{ name: 'http', containerPort: 8080 }] }], ...spec },
    });
  await pod('web');
  await pod('other');
  // Bound to a node no kubelet serves: it never gets an IP.
  await pod('ghost', { nodeName: 'node-ghost' });
  await cluster.admin.create('/api/v1/namespaces/default/services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  });
  await cluster.admin.create('/api/v1/namespaces/default/secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-password' },
    data: { password: Buffer.from(SECRET_VALUE).toString('base64') },
  });
  // proxier may proxy to pod web, and do nothing else.
  await cluster.admin.create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'proxy-to-web' },
    rules: [{ apiGroups: [''], resources: ['pods/proxy'], resourceNames: ['web'], verbs: ['get', 'create'] }],
  });
  await cluster.admin.create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'proxier' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'proxy-to-web' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'proxier' }],
  });
  await Promise.all(['web', 'other'].map((name) => waitRunning(cluster, name)));
  webIP = ((await cluster.admin.get('/api/v1/namespaces/default/pods/web')).status as { podIP: string }).podIP;
  await waitFor(
    async () => {
      const eps = await cluster.admin.get('/api/v1/namespaces/default/endpoints/web');
      return ((eps.subsets as { addresses?: unknown[] }[] | undefined) ?? []).some((s) => (s.addresses ?? []).length > 0);
    },
    { timeoutMs: 20_000, what: 'endpoints of service web' },
  );
  before = await storedState();
}, 90_000);

afterAll(async () => {
  await cluster?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request with the request target sent byte for byte as given. */
function send(target: string, options: { method?: string; as?: 'admin' | 'proxier'; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const server = new URL(cluster.server);
  const identity = options.as === 'proxier' ? cluster.pki.users.proxier : cluster.pki.admin;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: server.hostname,
        port: server.port,
        method: options.method ?? 'GET',
        path: target,
        headers: options.headers,
        setHost: !options.headers?.Host,
        ca: cluster.pki.ca.cert,
        cert: identity.cert,
        key: identity.key,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const status = (answer: Answer) => {
  const s = JSON.parse(answer.body) as { kind: string; code: number; reason: string; message: string };
  return { status: answer.status, kind: s.kind, code: s.code, reason: s.reason, message: s.message };
};

/** The http-server's access log of `pod`: the request lines the backend really received. */
async function accessLog(pod: string): Promise<string[]> {
  const answer = await send(`/api/v1/namespaces/default/pods/${pod}/log`);
  return answer.body
    .split('\n')
    .map((line) => /"([A-Z]+ \S+) HTTP\/1\.1"/.exec(line)?.[1])
    .filter((line): line is string => Boolean(line));
}

/** Wait until `pod` logged `requestLine` (its access log is written when the response ends). */
async function logged(pod: string, requestLine: string): Promise<void> {
  await waitFor(async () => (await accessLog(pod)).includes(requestLine), { timeoutMs: 10_000, what: `${pod} to log ${requestLine}` });
}

const raw = (path: string) => kubectl(['get', '--raw', path], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
const podProxy = (id: string, rest = '/') => `/api/v1/namespaces/default/pods/${id}/proxy${rest}`;

describe('proxy ids Kubernetes refuses or cannot dial', () => {
  it('answers https:web:99999 with 503 and Go’s invalid-port words, never dialing', async () => {
    expect(status(await send(podProxy('https:web:99999')))).toEqual({
      status: 503,
      kind: 'Status',
      code: 503,
      reason: 'ServiceUnavailable',
      message: 'error trying to reach service: dial tcp: address 99999: invalid port',
    });
    const r = await raw(podProxy('https:web:99999'));
    expect([r.code, r.stderr.trim()]).toEqual([1, 'Error from server (ServiceUnavailable): error trying to reach service: dial tcp: address 99999: invalid port']);
    const node = await send('/api/v1/nodes/node-1:99999/proxy/');
    expect(status(node)).toMatchObject({ status: 503, message: 'error trying to reach service: dial tcp: address 99999: invalid port' });
  });

  it('refuses a port name the pod does not declare, and an unknown scheme, with 400', async () => {
    expect(status(await send(podProxy('web:notaport')))).toMatchObject({ status: 400, reason: 'BadRequest', message: 'no container port named "notaport"' });
    const r = await raw(podProxy('web:notaport'));
    expect(r.stderr.trim()).toBe('Error from server (BadRequest): no container port named "notaport"');
    expect(status(await send(podProxy('ftp:web:80')))).toMatchObject({ status: 400, reason: 'BadRequest', message: 'invalid pod request "ftp:web:80"' });
    expect(status(await send('/api/v1/namespaces/default/services/ftp:web:80/proxy/'))).toMatchObject({ status: 400, message: 'invalid service request "ftp:web:80"' });
    expect(status(await send('/api/v1/nodes/ftp:node-1:1/proxy/'))).toMatchObject({ status: 400, message: 'invalid node request "ftp:node-1:1"' });
    expect(status(await send('/api/v1/nodes/node-1:notaport/proxy/'))).toMatchObject({ status: 400, message: 'invalid node request "node-1:notaport"' });
  });

  it('refuses a pod without an IP yet with 400 address not allowed, as Kubernetes 1.32 does', async () => {
    expect(status(await send(podProxy('ghost')))).toMatchObject({ status: 400, reason: 'BadRequest', message: 'address not allowed' });
    const r = await raw(podProxy('ghost:8080'));
    expect(r.stderr.trim()).toBe('Error from server (BadRequest): address not allowed');
  });

  it('reports a closed pod port as the 503 Kubernetes users know', async () => {
    expect(status(await send(podProxy('web:1')))).toMatchObject({
      status: 503,
      reason: 'ServiceUnavailable',
      message: `error trying to reach service: dial tcp ${webIP}:1: connect: connection refused`,
    });
  });
});

describe('paths that try to leave the pod', () => {
  it('relays escaped slashes, double slashes and userinfo-looking paths to the same pod, byte for byte', async () => {
    for (const [rest, received] of [
      ['/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecrets', 'GET /%2e%2e%2f%2e%2e%2f%2e%2e%2fsecrets'],
      ['//other/secrets', 'GET //other/secrets'],
      ['/@127.0.0.1:6443/api', 'GET /@127.0.0.1:6443/api'],
      ['/a%2F..%2F..%2Fb?q=%2e%2e', 'GET /a%2F..%2F..%2Fb?q=%2e%2e'],
    ]) {
      const answer = await send(podProxy('web', rest));
      expect([rest, answer.status, answer.body]).toEqual([rest, 404, '404 page not found\n']);
      await logged('web', received);
    }
    expect(await accessLog('other')).toEqual([]);
  });

  it('keeps ../, %2e%2e/ and \\..\\ inside the pod’s proxy path, as Kubernetes does (needs request-info.ts to keep dot segments)', async () => {
    for (const rest of ['/../../../secrets', '/%2e%2e/%2E%2E/%2e%2e/secrets', '/x\\..\\..\\..\\..\\secrets']) {
      const answer = await send(podProxy('web', rest));
      expect([rest, answer.status, answer.body]).toEqual([rest, 404, '404 page not found\n']);
    }
    await logged('web', 'GET /secrets');
    const sibling = await send(podProxy('web', '/x/../../../other/proxy/healthz'));
    expect([sibling.status, sibling.body]).toEqual([404, '404 page not found\n']);
    await logged('web', 'GET /other/proxy/healthz');
    expect(await accessLog('other')).toEqual([]);
  });

  it('never creates anything through a POST that climbs out of the proxy path (needs request-info.ts to keep dot segments)', async () => {
    const planted = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'planted' }, stringData: { x: 'y' } });
    const answer = await send(podProxy('web', '/../../../secrets'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: planted });
    expect([answer.status, answer.body]).toEqual([404, '404 page not found\n']);
    await logged('web', 'POST /secrets');
    const lookup = await send('/api/v1/namespaces/default/secrets/planted');
    expect(status(lookup)).toMatchObject({ status: 404, message: 'secrets "planted" not found' });
  });

  it('gives a user allowed only pods/proxy on web neither the secret nor any other pod, whatever the path', async () => {
    for (const rest of ['/../../../secrets', '/%2e%2e/%2e%2e/%2e%2e/secrets/db-password', '/x/../../../other/proxy/healthz', '/../../../../../../api/v1/namespaces/default/secrets']) {
      const answer = await send(podProxy('web', rest), { as: 'proxier' });
      expect(answer.body, rest).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
      expect(answer.body, rest).not.toContain('SecretList');
      expect([403, 404], `${rest}: ${answer.status}`).toContain(answer.status);
    }
    const direct = await send(podProxy('other'), { as: 'proxier' });
    expect(status(direct)).toMatchObject({ status: 403, reason: 'Forbidden' });
    expect(await accessLog('other')).toEqual([]);
  });
});

describe('Host and absolute-URI tricks', () => {
  let decoy: Server;
  let decoyPort: number;
  let decoyConnections = 0;

  beforeAll(async () => {
    decoyPort = await freePort('127.0.0.1');
    decoy = createServer((socket) => {
      decoyConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => decoy.listen(decoyPort, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => decoy.close(resolve));
  });

  it('dials the pod, not the Host header’s host, and shows the pod its own address as Host', async () => {
    const answer = await send(podProxy('web', '/headers?trick=host'), { headers: { Host: `127.0.0.1:${decoyPort}` } });
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as Record<string, string>).host).toBe(`${webIP}:8080`);
    await logged('web', 'GET /headers?trick=host');
    expect(decoyConnections).toBe(0);
  });

  it('dials the pod, not the host of an absolute-form request target', async () => {
    const answer = await send(`http://127.0.0.1:${decoyPort}${podProxy('web', '/headers?trick=absolute')}`);
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as Record<string, string>).host).toBe(`${webIP}:8080`);
    await logged('web', 'GET /headers?trick=absolute');
    expect(decoyConnections).toBe(0);
  });

  it('redirects an absolute-form empty proxy path by path only, never to the named host', async () => {
    const answer = await send(`https://127.0.0.1:${decoyPort}/api/v1/namespaces/default/pods/web/proxy?x=1`);
    expect([answer.status, answer.headers.location]).toEqual([301, '/api/v1/namespaces/default/pods/web/proxy/?x=1']);
    const service = await send(`http://127.0.0.1:${decoyPort}/api/v1/namespaces/default/services/web:http/proxy/headers`);
    expect((JSON.parse(service.body) as Record<string, string>).host).toBe(`${webIP}:8080`);
    expect(decoyConnections).toBe(0);
  });
});

describe('afterwards', () => {
  it('still serves, through the proxy and directly', async () => {
    const healthz = await send(podProxy('web', '/healthz'));
    expect([healthz.status, healthz.body]).toEqual([200, 'ok\n']);
    const pods = await kubectl(['get', 'pods', '-o', 'name'], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
    expect(pods.stdout.split('\n').filter(Boolean).sort()).toEqual(['pod/ghost', 'pod/other', 'pod/web']);
  });

  it('has changed nothing stored: the same pods and the same secrets, byte for byte', async () => {
    expect(await storedState()).toEqual(before);
  });
});
