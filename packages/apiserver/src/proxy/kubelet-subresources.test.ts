import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCA, createSelfSignedServingCert, issueCertificate, type CertKey } from '@hubspoke/pki';
import { startApiserver, type ApiserverHandle } from '../server.ts';
import type { ApiserverOptions } from '../config.ts';
import { httpRequest, rawAnswer, rawRequest, startFakeKubelet, until, type FakeKubelet } from './test-support.ts';

const TOKENS = 'admin-token,admin,1,"system:masters"\nalice-token,alice,2,""';
const ADMIN = { Authorization: 'Bearer admin-token' };
// The fake kubelets listen on 127.0.0.1, which nodes/proxy (like Kubernetes) refuses unless the lab allows it.
const LOOPBACK_OK = { proxyAllowLoopback: true };
const SPDY = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': ['v4.channel.k8s.io', 'channel.k8s.io'] };
const WEBSOCKET = {
  Connection: 'Upgrade',
  Upgrade: 'websocket',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Protocol': 'v5.channel.k8s.io',
};

let ca: CertKey;
let kubeletClient: CertKey;
let selfSigned: CertKey;
let caSigned: CertKey;
let wrongIp: CertKey;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  ca = await createCA({ commonName: 'kubernetes' });
  [kubeletClient, selfSigned, caSigned, wrongIp] = await Promise.all([
    issueCertificate({ ca, commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' }),
    createSelfSignedServingCert({ host: '127.0.0.1' }),
    issueCertificate({ ca, commonName: 'system:node:node-a', ipAddresses: ['127.0.0.1'], usage: 'server' }),
    issueCertificate({ ca, commonName: 'system:node:node-a', ipAddresses: ['127.0.0.2'], usage: 'server' }),
  ]);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

interface Cluster {
  api: ApiserverHandle;
  kubelet: FakeKubelet;
}

async function cluster(serving: CertKey, options: ApiserverOptions = {}): Promise<Cluster> {
  const kubelet = await startFakeKubelet(serving);
  open.push(kubelet);
  const api = await startApiserver({
    bindAddress: '127.0.0.1',
    securePort: 0,
    controllers: false,
    tokenAuthFile: TOKENS,
    kubeletClientCert: kubeletClient.cert,
    kubeletClientKey: kubeletClient.key,
    kubeletPreferredAddressTypes: ['InternalIP'],
    ...options,
  });
  open.push(api);
  await api.storage.create('nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-a' },
    status: {
      addresses: [
        { type: 'Hostname', address: 'node-a.invalid' },
        { type: 'InternalIP', address: '127.0.0.1' },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
    },
  });
  const pod = (name: string, spec: Record<string, unknown>) =>
    api.storage.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec });
  await pod('web', { nodeName: 'node-a', containers: [{ name: 'nginx', image: 'nginx' }] });
  await pod('multi', { nodeName: 'node-a', initContainers: [{ name: 'setup' }], containers: [{ name: 'a' }, { name: 'b' }] });
  await pod('pending', { containers: [{ name: 'c' }] });
  return { api, kubelet };
}

const podPath = (pod: string, sub: string, query = '') => `/api/v1/namespaces/default/pods/${pod}/${sub}${query ? `?${query}` : ''}`;

describe('pods/log', () => {
  it('streams the kubelet container log, booleans as true and the other options passed on in Go order', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    kubelet.onRequest((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-kubelet': 'leak' });
      res.write('line 1\n');
      res.end('line 2\n');
    });
    const answer = await httpRequest(api.url, 'GET', podPath('web', 'log', 'follow=1&timestamps&previous=false&tailLines=10&limitBytes=100&sinceSeconds=5'), ADMIN);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain');
    expect(answer.headers['x-kubelet']).toBeUndefined();
    expect(answer.body).toBe('line 1\nline 2\n');
    expect(kubelet.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /containerLogs/default/web/nginx?follow=true&limitBytes=100&sinceSeconds=5&tailLines=10&timestamps=true',
    ]);
  });

  it('passes sinceTime in RFC 3339 and asks the named container', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    await httpRequest(api.url, 'GET', podPath('multi', 'log', 'container=b&sinceTime=2024-05-01T10:20:30.5%2B02:00'), ADMIN);
    expect(kubelet.requests[0].url).toBe('/containerLogs/default/multi/b?sinceTime=2024-05-01T08%3A20%3A30Z');
  });

  it('refuses invalid options with 422 and Kubernetes field messages, before contacting the kubelet', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    const cases: [string, string][] = [
      ['tailLines=-1', 'PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0'],
      ['limitBytes=0', 'PodLogOptions "web" is invalid: limitBytes: Invalid value: 0: must be greater than 0'],
      ['sinceSeconds=0', 'PodLogOptions "web" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0'],
      ['sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z', 'PodLogOptions "web" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified'],
    ];
    for (const [query, message] of cases) {
      const answer = await httpRequest(api.url, 'GET', podPath('web', 'log', query), ADMIN);
      expect(answer.status).toBe(422);
      expect(JSON.parse(answer.body)).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422, message, details: { kind: 'PodLogOptions', name: 'web' } });
    }
    expect(kubelet.requests).toEqual([]);
  });

  it('defaults a lone container and words the container errors as Kubernetes does', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    const several = await httpRequest(api.url, 'GET', podPath('multi', 'log'), ADMIN);
    expect(several.status).toBe(400);
    expect(JSON.parse(several.body)).toMatchObject({ reason: 'BadRequest', message: 'a container name must be specified for pod multi, choose one of: [setup a b]' });
    const unknown = await httpRequest(api.url, 'GET', podPath('web', 'log', 'container=php'), ADMIN);
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 400, message: 'container php is not valid for pod web' });
    const missing = await httpRequest(api.url, 'GET', podPath('ghost', 'log'), ADMIN);
    expect(JSON.parse(missing.body)).toMatchObject({ code: 404, message: 'pods "ghost" not found' });
    const unscheduled = await httpRequest(api.url, 'GET', podPath('pending', 'log'), ADMIN);
    expect([unscheduled.status, unscheduled.body]).toEqual([200, '']);
    expect(kubelet.requests).toEqual([]);
  });

  it('turns a kubelet error status into the Status kube-apiserver returns', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    kubelet.onRequest((req, res) => {
      const forbidden = req.url?.includes('/multi/');
      res.writeHead(forbidden ? 403 : 400, { 'content-type': 'text/plain' });
      res.end(forbidden ? 'Forbidden (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource=proxy)' : 'container "nginx" in pod "web" is waiting to start: ContainerCreating');
    });
    const waiting = JSON.parse((await httpRequest(api.url, 'GET', podPath('web', 'log'), ADMIN)).body);
    expect(waiting).toMatchObject({ code: 400, reason: 'BadRequest', message: 'container "nginx" in pod "web" is waiting to start: ContainerCreating' });
    const denied = JSON.parse((await httpRequest(api.url, 'GET', podPath('multi', 'log', 'container=a'), ADMIN)).body);
    expect(denied).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'Forbidden (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource=proxy) ( pods/log multi)',
    });
  });
});

describe('the kubelet connection', () => {
  it('reaches a self-signed kubelet when --kubelet-certificate-authority is not set, presenting the kubelet client certificate', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    const answer = await httpRequest(api.url, 'GET', podPath('web', 'log'), ADMIN);
    expect(answer.body).toBe('fake log line\n');
    expect(kubelet.requests[0].clientCN).toBe('kube-apiserver-kubelet-client');
  });

  it('refuses a self-signed kubelet when --kubelet-certificate-authority is set, with Go\'s wording', async () => {
    const { api, kubelet } = await cluster(selfSigned, { kubeletCertificateAuthority: ca.cert });
    const logs = await httpRequest(api.url, 'GET', podPath('web', 'log'), ADMIN);
    expect(logs.status).toBe(500);
    expect(JSON.parse(logs.body).message).toBe(
      `Get "https://127.0.0.1:${kubelet.port}/containerLogs/default/web/nginx": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
    const exec = await rawRequest(api.url, 'POST', podPath('web', 'exec', 'command=sh&stdout=1'), { ...ADMIN, ...SPDY });
    expect(exec.status).toBe(500);
    await exec.closed;
    expect(JSON.parse(exec.rest())).toMatchObject({
      code: 500,
      message: 'error dialing backend: tls: failed to verify certificate: x509: certificate signed by unknown authority',
    });
    expect(kubelet.requests).toEqual([]);
  });

  it('accepts a kubelet whose certificate the CA signed for the address dialed, and refuses one signed for another', async () => {
    const good = await cluster(caSigned, { kubeletCertificateAuthority: ca.cert });
    expect((await httpRequest(good.api.url, 'GET', podPath('web', 'log'), ADMIN)).body).toBe('fake log line\n');
    const bad = await cluster(wrongIp, { kubeletCertificateAuthority: ca.cert });
    const answer = await httpRequest(bad.api.url, 'GET', podPath('web', 'log'), ADMIN);
    expect(JSON.parse(answer.body).message).toMatch(/tls: failed to verify certificate: x509: certificate is valid for 127\.0\.0\.2, not 127\.0\.0\.1$/);
    expect(bad.kubelet.requests).toEqual([]);
  });
});

describe('pods/exec, pods/attach, pods/portforward', () => {
  it('maps an exec upgrade to the kubelet URL and splices bytes both ways after relaying the 101', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    const answer = await rawRequest(
      api.url,
      'POST',
      podPath('web', 'exec', 'command=sh&command=-c&command=echo%20hi&stdin=true&stdout=true&stderr=true&tty=true'),
      { ...ADMIN, ...SPDY },
    );
    expect(answer.status).toBe(101);
    expect(answer.head).toMatch(/\r\nX-Stream-Protocol-Version: v4\.channel\.k8s\.io/);
    const seen = kubelet.requests[0];
    expect(`${seen.method} ${seen.url}`).toBe('POST /exec/default/web/nginx?command=sh&command=-c&command=echo+hi&error=1&input=1&output=1&tty=1');
    expect(seen.rawHeaders.filter((_, i, a) => i % 2 === 1 && /x-stream-protocol-version/i.test(a[i - 1]))).toEqual(['v4.channel.k8s.io', 'channel.k8s.io']);
    await until(() => answer.rest() === 'hello ');
    answer.socket.write('ping');
    await until(() => answer.rest() === 'hello echo:ping');
    expect(kubelet.upgrades[0].received()).toBe('ping');
    answer.socket.end();
    await kubelet.upgrades[0].closed;
  });

  it('delivers bytes the client sent with its request only after the kubelet upgraded', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    const answer = await rawRequest(api.url, 'GET', podPath('web', 'attach', 'stdout=1&stderr=1&container=nginx'), { ...ADMIN, ...WEBSOCKET }, 'early');
    expect(answer.status).toBe(101);
    expect(kubelet.requests[0].url).toBe('/attach/default/web/nginx?error=1&output=1');
    await until(() => kubelet.upgrades[0].received() === 'early');
    await until(() => answer.rest() === 'hello echo:early');
  });

  it('renames repeated ports to one comma-joined port parameter for port-forward', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    const answer = await rawRequest(api.url, 'POST', podPath('web', 'portforward', 'ports=8080&ports=9090'), { ...ADMIN, Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' });
    expect(answer.status).toBe(101);
    expect(kubelet.requests[0].url).toBe('/portForward/default/web?port=8080%2C9090');
    const bare = await rawRequest(api.url, 'GET', podPath('web', 'portforward'), { ...ADMIN, ...WEBSOCKET, 'Sec-WebSocket-Protocol': 'SPDY/3.1+portforward.k8s.io' });
    expect(bare.status).toBe(101);
    expect(kubelet.requests[1].url).toBe('/portForward/default/web');
  });

  it('answers 400 Upgrade request required without an upgrade, after the pod and container checks', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    const plain = await httpRequest(api.url, 'POST', podPath('web', 'exec', 'command=ls&stdout=1'), ADMIN);
    expect([plain.status, JSON.parse(plain.body).message]).toEqual([400, 'Upgrade request required']);
    const unscheduled = await rawRequest(api.url, 'POST', podPath('pending', 'exec', 'command=ls&stdout=1'), { ...ADMIN, ...SPDY });
    await unscheduled.closed;
    expect([unscheduled.status, JSON.parse(unscheduled.rest()).message]).toEqual([400, 'pod pending does not have a host assigned']);
    const pf = await httpRequest(api.url, 'GET', podPath('pending', 'portforward'), ADMIN);
    expect(JSON.parse(pf.body).message).toBe('pod pending does not have a host assigned');
    const several = await rawRequest(api.url, 'POST', podPath('multi', 'attach', 'stdout=1'), { ...ADMIN, ...SPDY });
    await several.closed;
    expect(JSON.parse(several.rest()).message).toBe('a container name must be specified for pod multi, choose one of: [setup a b]');
    const put = await httpRequest(api.url, 'PUT', podPath('web', 'exec'), ADMIN);
    expect(put.status).toBe(405);
    expect(kubelet.requests).toEqual([]);
  });

  for (const status of [200, 302, 307]) {
    it(`refuses a kubelet that answers an upgrade with ${status}: 500 invalid upgrade response, no Location relayed`, async () => {
      const { api, kubelet } = await cluster(selfSigned);
      kubelet.onUpgrade(rawAnswer(`HTTP/1.1 ${status} Whatever\r\nLocation: https://evil.example/steal\r\nContent-Length: 4\r\n\r\nbody`));
      const answer = await rawRequest(api.url, 'POST', podPath('web', 'exec', 'command=ls&stdout=1'), { ...ADMIN, ...SPDY });
      await answer.closed;
      expect(answer.status).toBe(500);
      expect(`${answer.head}${answer.rest()}`).not.toMatch(/evil|Location/i);
      expect(JSON.parse(answer.rest())).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `invalid upgrade response: status code ${status}`,
        reason: '',
        code: 500,
      });
      await kubelet.upgrades[0].closed;
    });
  }

  it('relays a kubelet error answer to an upgrade and closes both connections, so later client bytes never reach the kubelet', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    kubelet.onUpgrade(rawAnswer('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nForbidden'));
    const answer = await rawRequest(api.url, 'POST', podPath('web', 'exec', 'command=ls&stdout=1'), { ...ADMIN, ...SPDY });
    expect(answer.status).toBe(403);
    await until(() => answer.rest() === 'Forbidden');
    answer.socket.write('GET /exec/default/other/c?command=rm HTTP/1.1\r\n\r\n');
    await kubelet.upgrades[0].closed;
    await answer.closed;
    expect(kubelet.upgrades[0].received()).toBe('');
    expect(kubelet.requests).toHaveLength(1);
  });
});

describe('nodes/proxy', () => {
  it('proxies any method to the kubelet path with the query kept, the body forwarded and no client credentials', async () => {
    const { api, kubelet } = await cluster(selfSigned, LOOPBACK_OK);
    kubelet.onRequest((req, res, body) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-from': 'kubelet', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify({ path: req.url, body }));
    });
    const answer = await httpRequest(api.url, 'POST', '/api/v1/nodes/node-a/proxy/run/default/web/nginx?cmd=ls%20-l', { ...ADMIN, 'X-Custom': 'yes' }, 'payload');
    expect(answer.status).toBe(201);
    expect(answer.headers['x-from']).toBe('kubelet');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(answer.body)).toEqual({ path: '/run/default/web/nginx?cmd=ls%20-l', body: 'payload' });
    const seen = kubelet.requests[0];
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-custom']).toBe('yes');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.clientCN).toBe('kube-apiserver-kubelet-client');
  });

  it('redirects an empty proxy path to the directory form and relays kubelet redirects through the proxy path', async () => {
    const { api, kubelet } = await cluster(selfSigned, LOOPBACK_OK);
    const empty = await httpRequest(api.url, 'GET', '/api/v1/nodes/node-a/proxy?x=1', ADMIN);
    expect([empty.status, empty.headers.location]).toEqual([301, '/api/v1/nodes/node-a/proxy/?x=1']);
    kubelet.onRequest((_req, res) => {
      res.writeHead(302, { location: '/logs/' });
      res.end();
    });
    const moved = await httpRequest(api.url, 'GET', '/api/v1/nodes/node-a/proxy/logs', ADMIN);
    expect([moved.status, moved.headers.location]).toEqual([302, '/api/v1/nodes/node-a/proxy/logs/']);
    expect(kubelet.requests).toHaveLength(1);
  });

  it('refuses a node whose address is not global unicast unless loopback is allowed, as isProxyableHostname does', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    const answer = await httpRequest(api.url, 'GET', '/api/v1/nodes/node-a/proxy/pods', ADMIN);
    expect([answer.status, JSON.parse(answer.body).message]).toEqual([400, 'address not allowed']);
    // pods/log is not a proxy: it reaches the same kubelet without that rule, as in Kubernetes.
    const logs = await httpRequest(api.url, 'GET', podPath('web', 'log'), ADMIN);
    expect(logs.status).toBe(200);
    expect(kubelet.requests.map((r) => r.url)).toEqual(['/containerLogs/default/web/nginx']);
  });

  it('reports an unreachable node port as Kubernetes does, and never dials an out-of-range one', async () => {
    const { api, kubelet } = await cluster(selfSigned, LOOPBACK_OK);
    const outOfRange = await httpRequest(api.url, 'GET', '/api/v1/nodes/node-a:99999/proxy/', ADMIN);
    expect([outOfRange.status, JSON.parse(outOfRange.body)]).toMatchObject([503, { reason: 'ServiceUnavailable', message: 'error trying to reach service: dial tcp: address 99999: invalid port' }]);
    await kubelet.close();
    const down = await httpRequest(api.url, 'GET', '/api/v1/nodes/node-a/proxy/healthz', ADMIN);
    expect([down.status, JSON.parse(down.body).message]).toEqual([503, `error trying to reach service: dial tcp 127.0.0.1:${kubelet.port}: connect: connection refused`]);
  });

  it('rejects a malformed node id and reports a missing node', async () => {
    const { api } = await cluster(selfSigned, LOOPBACK_OK);
    const malformed = await httpRequest(api.url, 'GET', '/api/v1/nodes/ftp:node-a:1/proxy/', ADMIN);
    expect([malformed.status, JSON.parse(malformed.body).message]).toEqual([400, 'invalid node request "ftp:node-a:1"']);
    const missing = await httpRequest(api.url, 'GET', '/api/v1/nodes/node-z/proxy/', ADMIN);
    expect([missing.status, JSON.parse(missing.body).message]).toEqual([404, 'nodes "node-z" not found']);
  });
});

describe('upgrades through the filter chain', () => {
  it('never forwards the Authorization header or the WebSocket bearer subprotocol to the kubelet', async () => {
    const { api, kubelet } = await cluster(selfSigned);
    const bearer = `base64url.bearer.authorization.k8s.io.${Buffer.from('admin-token').toString('base64url')}`;
    const answer = await rawRequest(api.url, 'GET', podPath('web', 'exec', 'command=ls&stdout=1'), {
      ...WEBSOCKET,
      'Sec-WebSocket-Protocol': `v5.channel.k8s.io, ${bearer}`,
    });
    expect(answer.status).toBe(101);
    const withHeader = await rawRequest(api.url, 'GET', podPath('web', 'exec', 'command=ls&stdout=1'), { ...ADMIN, ...WEBSOCKET });
    expect(withHeader.status).toBe(101);
    for (const seen of kubelet.requests) {
      expect(seen.headers.authorization).toBeUndefined();
      expect(JSON.stringify(seen.rawHeaders)).not.toMatch(/admin-token|bearer\.authorization|YWRtaW4tdG9rZW4/);
    }
    expect(kubelet.requests[0].headers['sec-websocket-protocol']).toBe('v5.channel.k8s.io');
  });

  it('answers an unauthenticated upgrade with a 401 Status on the raw connection and never dials the kubelet', async () => {
    const { api, kubelet } = await cluster(selfSigned, { anonymousAuth: false });
    const answer = await rawRequest(api.url, 'POST', podPath('web', 'exec', 'command=ls&stdout=1'), SPDY);
    await answer.closed;
    expect(answer.status).toBe(401);
    expect(answer.head).toMatch(/\r\nContent-Type: application\/json/);
    expect(JSON.parse(answer.rest())).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401, message: 'Unauthorized' });
    expect(kubelet.requests).toEqual([]);
  });

  it('serves an Upgrade header on a path that never upgrades as an ordinary request', async () => {
    const { api } = await cluster(selfSigned);
    const answer = await rawRequest(api.url, 'GET', '/api/v1/namespaces/default/pods/web', { ...ADMIN, ...WEBSOCKET });
    await answer.closed;
    expect(answer.status).toBe(200);
    expect(answer.rest()).toContain('"name":"web"');
  });
});

describe('AuthorizePodWebsocketUpgradeCreatePermission', () => {
  async function rbacCluster(gate: boolean): Promise<Cluster> {
    const c = await cluster(selfSigned, {
      authorizationModes: ['RBAC'],
      featureGates: { AuthorizePodWebsocketUpgradeCreatePermission: gate },
    });
    await c.api.storage.create('roles.rbac.authorization.k8s.io', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'exec-get-only', namespace: 'default' },
      rules: [{ apiGroups: [''], resources: ['pods/exec', 'pods/attach', 'pods/portforward'], verbs: ['get'] }],
    });
    await c.api.storage.create('rolebindings.rbac.authorization.k8s.io', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'alice', namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'exec-get-only' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
    });
    return c;
  }
  const ALICE = { Authorization: 'Bearer alice-token' };

  it('lets a WebSocket (GET) exec through on `get` alone while the gate is off, but not a SPDY (POST) one', async () => {
    const { api, kubelet } = await rbacCluster(false);
    const ws = await rawRequest(api.url, 'GET', podPath('web', 'exec', 'command=ls&stdout=1'), { ...ALICE, ...WEBSOCKET });
    expect(ws.status).toBe(101);
    const spdy = await rawRequest(api.url, 'POST', podPath('web', 'exec', 'command=ls&stdout=1'), { ...ALICE, ...SPDY });
    await spdy.closed;
    expect(spdy.status).toBe(403);
    expect(JSON.parse(spdy.rest()).message).toBe(
      'pods "web" is forbidden: User "alice" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    );
    expect(kubelet.requests).toHaveLength(1);
  });

  it('also requires `create` for a WebSocket exec, attach and port-forward when the gate is on', async () => {
    const { api, kubelet } = await rbacCluster(true);
    for (const sub of ['exec', 'attach', 'portforward']) {
      const ws = await rawRequest(api.url, 'GET', podPath('web', sub, 'stdout=1'), { ...ALICE, ...WEBSOCKET });
      await ws.closed;
      expect(ws.status).toBe(403);
      expect(JSON.parse(ws.rest()).message).toBe(
        `pods "web" is forbidden: User "alice" cannot create resource "pods/${sub}" in API group "" in the namespace "default"`,
      );
    }
    const admin = await rawRequest(api.url, 'GET', podPath('web', 'exec', 'command=ls&stdout=1'), { ...ADMIN, ...WEBSOCKET });
    expect(admin.status).toBe(101);
    expect(kubelet.requests).toHaveLength(1);
  });

  it('refuses an unknown feature gate at startup', async () => {
    await expect(startApiserver({ securePort: 0, featureGates: { NoSuchGate: true } })).rejects.toThrow('unrecognized feature gate: NoSuchGate');
  });
});
