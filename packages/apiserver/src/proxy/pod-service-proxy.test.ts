// pods/proxy and services/proxy through a real apiserver to real backends on 127.0.0.1: a plain HTTP server and
// an HTTPS one whose self-signed certificate nobody could verify.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import type { ApiserverOptions } from '../config.ts';
import { startApiserver, type ApiserverHandle } from '../server.ts';
import { httpRequest, rawRequest, until } from './test-support.ts';

const TOKENS = 'admin-token,admin,1,"system:masters"\nalice-token,alice,2,""';
const ADMIN = { Authorization: 'Bearer admin-token' };

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const seen: Seen[] = [];
const closers: (() => Promise<void>)[] = [];
let plainPort: number;
let tlsPort: number;
let lab: ApiserverHandle;

// `/moved` redirects to itself by absolute URL, `/elsewhere` to another origin; everything else echoes.
function backend(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
    const self = `${'encrypted' in req.socket ? 'https' : 'http'}://${req.headers.host}`;
    if (req.url === '/moved') res.writeHead(302, { location: `${self}/target?q=1` }).end();
    else if (req.url === '/elsewhere') res.writeHead(302, { location: 'http://example.invalid/x' }).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.method} ${req.url} tls=${'encrypted' in req.socket}`);
  });
}

// Upgrades: 101, then every chunk echoed back; the Authorization header (if it ever arrived) is reported.
const upgraded = new Set<Duplex>();

function upgradeEcho(server: Server): Server {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('end', () => socket.end());
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${req.headers.upgrade}\r\n\r\nauth=${req.headers.authorization ?? 'none'} `);
    socket.on('data', (c: Buffer) => socket.write(`echo:${c.toString()}`));
  });
  return server;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

async function apiserver(options: ApiserverOptions): Promise<ApiserverHandle> {
  const api = await startApiserver({ bindAddress: '127.0.0.1', securePort: 0, controllers: false, tokenAuthFile: TOKENS, authorizationModes: ['RBAC'], ...options });
  closers.push(() => api.close());
  const create = (resource: string, obj: Record<string, unknown>) => api.storage.create(resource, { apiVersion: 'v1', ...obj } as never);
  await create('pods', {
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { containers: [{ name: 'web', ports: [{ name: 'http', containerPort: plainPort }, { name: 'https', containerPort: tlsPort }] }] },
    status: { podIP: '127.0.0.1' },
  });
  await create('pods', { kind: 'Pod', metadata: { name: 'noports', namespace: 'default' }, spec: { containers: [{ name: 'c' }] }, status: { podIP: '169.254.1.1' } });
  await create('services', { kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ name: 'web', port: 80, targetPort: plainPort }] } });
  await create('endpoints', {
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '127.0.0.1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web' } }], ports: [{ name: 'web', port: plainPort }] }],
  });
  await create('services', { kind: 'Service', metadata: { name: 'empty', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
  await create('endpoints', { kind: 'Endpoints', metadata: { name: 'empty', namespace: 'default' }, subsets: [] });
  await create('services', { kind: 'Service', metadata: { name: 'unwatched', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
  return api;
}

beforeAll(async () => {
  plainPort = await listen(upgradeEcho(createHttpServer(backend)));
  const cert = await createSelfSignedServingCert({ host: 'backend.invalid' });
  tlsPort = await listen(upgradeEcho(createHttpsServer({ cert: cert.cert, key: cert.key }, backend)));
  lab = await apiserver({ proxyAllowLoopback: true });
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const pods = (id: string, rest = '') => `/api/v1/namespaces/default/pods/${id}/proxy${rest}`;
const services = (id: string, rest = '') => `/api/v1/namespaces/default/services/${id}/proxy${rest}`;

describe('pods/proxy', () => {
  it('defaults to plain HTTP on the first declared containerPort, keeping path and query', async () => {
    const answer = await httpRequest(lab.url, 'GET', pods('web', '/a/b?x=1&y=2'), ADMIN);
    expect([answer.status, answer.body]).toEqual([200, 'GET /a/b?x=1&y=2 tls=false']);
  });

  it('forwards any method and its body, but never the client credentials', async () => {
    seen.length = 0;
    const answer = await httpRequest(lab.url, 'PUT', pods(`web:${plainPort}`, '/upload'), { ...ADMIN, 'X-Custom': 'yes' }, 'payload');
    expect([answer.status, answer.body]).toEqual([200, 'PUT /upload tls=false']);
    expect(seen[0].body).toBe('payload');
    expect(seen[0].headers.authorization).toBeUndefined();
    expect(seen[0].headers['x-custom']).toBe('yes');
  });

  it('resolves a named containerPort', async () => {
    const answer = await httpRequest(lab.url, 'GET', pods('web:http', '/'), ADMIN);
    expect(answer.body).toBe('GET / tls=false');
  });

  it('speaks TLS for https: without verifying the backend certificate', async () => {
    seen.length = 0;
    const answer = await httpRequest(lab.url, 'GET', pods(`https:web:${tlsPort}`, '/secure'), ADMIN);
    expect([answer.status, answer.body]).toEqual([200, 'GET /secure tls=true']);
    expect(seen[0].headers.authorization).toBeUndefined();
    const named = await httpRequest(lab.url, 'GET', pods('https:web:https', '/'), ADMIN);
    expect(named.body).toBe('GET / tls=true');
  });

  it('redirects an empty GET path to the directory form', async () => {
    const answer = await httpRequest(lab.url, 'GET', `${pods('web:8080')}?a=b`, ADMIN);
    expect([answer.status, answer.headers.location]).toEqual([301, '/api/v1/namespaces/default/pods/web:8080/proxy/?a=b']);
  });

  it('rewrites backend redirects to itself through the proxy path, and follows none', async () => {
    seen.length = 0;
    const own = await httpRequest(lab.url, 'GET', pods(`web:${plainPort}`, '/moved'), ADMIN);
    expect([own.status, own.headers.location]).toEqual([302, `/api/v1/namespaces/default/pods/web:${plainPort}/proxy/target?q=1`]);
    const other = await httpRequest(lab.url, 'GET', pods(`web:${plainPort}`, '/elsewhere'), ADMIN);
    expect([other.status, other.headers.location]).toEqual([302, 'http://example.invalid/x']);
    expect(seen.map((s) => s.url)).toEqual(['/moved', '/elsewhere']);
  });

  it('refuses a link-local pod IP, an unknown port name, a bad scheme and a missing pod', async () => {
    const linkLocal = await httpRequest(lab.url, 'GET', pods('noports', '/'), ADMIN);
    expect([linkLocal.status, JSON.parse(linkLocal.body).message]).toEqual([400, 'address not allowed']);
    const unnamed = await httpRequest(lab.url, 'GET', pods('web:metrics', '/'), ADMIN);
    expect(unnamed.status).toBe(400);
    const scheme = await httpRequest(lab.url, 'GET', pods('ftp:web:21', '/'), ADMIN);
    expect([scheme.status, JSON.parse(scheme.body).message]).toEqual([400, 'invalid pod request "ftp:web:21"']);
    const missing = await httpRequest(lab.url, 'GET', pods('nope', '/'), ADMIN);
    expect([missing.status, JSON.parse(missing.body).message]).toEqual([404, 'pods "nope" not found']);
  });

  it('proxies upgrades, plain and over unverified TLS, without the client credentials', async () => {
    for (const id of [`web:${plainPort}`, `https:web:${tlsPort}`]) {
      const answer = await rawRequest(lab.url, 'GET', pods(id, '/ws'), { ...ADMIN, Connection: 'Upgrade', Upgrade: 'websocket' });
      expect([id, answer.status]).toEqual([id, 101]);
      answer.socket.write('ping');
      await until(() => answer.rest().includes('echo:ping'));
      expect(answer.rest()).toBe('auth=none echo:ping');
      answer.socket.destroy();
      // The client going away ends the backend connection too.
      await until(() => upgraded.size === 0);
    }
  });

  it('reports a backend it cannot reach as Kubernetes does: 503 for a request, 500 for an upgrade', async () => {
    const probe = createHttpServer();
    const closed = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      }),
    );
    const refused = await httpRequest(lab.url, 'GET', pods(`web:${closed}`, '/'), ADMIN);
    expect([refused.status, JSON.parse(refused.body)]).toMatchObject([503, { reason: 'ServiceUnavailable', message: `error trying to reach service: dial tcp 127.0.0.1:${closed}: connect: connection refused` }]);
    const outOfRange = await httpRequest(lab.url, 'GET', pods('https:web:99999', '/'), ADMIN);
    expect([outOfRange.status, JSON.parse(outOfRange.body).message]).toEqual([503, 'error trying to reach service: dial tcp: address 99999: invalid port']);
    const upgrade = await rawRequest(lab.url, 'GET', pods('web:99999', '/ws'), { ...ADMIN, Connection: 'Upgrade', Upgrade: 'websocket' });
    expect(upgrade.status).toBe(500);
    await upgrade.closed;
    expect(JSON.parse(upgrade.rest()).message).toBe('error dialing backend: dial tcp: address 99999: invalid port');
  });

  it('is authorized as get pods/proxy', async () => {
    const answer = await httpRequest(lab.url, 'GET', pods('web', '/'), { Authorization: 'Bearer alice-token' });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).message).toContain('cannot get resource "pods/proxy"');
    const svc = await httpRequest(lab.url, 'GET', services('web:80', '/'), { Authorization: 'Bearer alice-token' });
    expect(JSON.parse(svc.body).message).toContain('cannot get resource "services/proxy"');
  });
});

describe('services/proxy', () => {
  it('maps the service port to its endpoint port on a ready address', async () => {
    for (const id of ['web:80', 'web:web', 'http:web:80']) {
      const answer = await httpRequest(lab.url, 'GET', services(id, '/page?z=1'), ADMIN);
      expect([id, answer.status, answer.body]).toEqual([id, 200, 'GET /page?z=1 tls=false']);
    }
  });

  it('answers 503 when the service has no endpoints or no such port', async () => {
    const empty = await httpRequest(lab.url, 'GET', services('empty', '/'), ADMIN);
    expect([empty.status, JSON.parse(empty.body).message]).toEqual([503, 'no endpoints available for service "empty"']);
    const port = await httpRequest(lab.url, 'GET', services('web:81', '/'), ADMIN);
    expect([port.status, JSON.parse(port.body).message]).toEqual([503, 'no service port 81 found for service "web"']);
    // As in Kubernetes, no port in the id means the unnamed service port; this service's only port is named.
    const unnamed = await httpRequest(lab.url, 'GET', services('web', '/'), ADMIN);
    expect([unnamed.status, JSON.parse(unnamed.body).message]).toEqual([503, 'no endpoints available for service "web"']);
    // As in Kubernetes, the Service is read only to translate a port number; the Endpoints always.
    const missing = await httpRequest(lab.url, 'GET', services('nope:80', '/'), ADMIN);
    expect([missing.status, JSON.parse(missing.body).message]).toEqual([404, 'services "nope" not found']);
    const noEndpoints = await httpRequest(lab.url, 'GET', services('unwatched:80', '/'), ADMIN);
    expect([noEndpoints.status, JSON.parse(noEndpoints.body).message]).toEqual([404, 'endpoints "unwatched" not found']);
  });

  it('redirects an empty GET path to the directory form', async () => {
    const answer = await httpRequest(lab.url, 'GET', services('web:80'), ADMIN);
    expect([answer.status, answer.headers.location]).toEqual([301, '/api/v1/namespaces/default/services/web:80/proxy/']);
  });
});

describe('without proxyAllowLoopback (Kubernetes behaviour)', () => {
  it('refuses loopback pod and endpoint addresses with 400 address not allowed', async () => {
    const strict = await apiserver({});
    seen.length = 0;
    const pod = await httpRequest(strict.url, 'GET', pods('web', '/'), ADMIN);
    expect([pod.status, JSON.parse(pod.body).message]).toEqual([400, 'address not allowed']);
    const svc = await httpRequest(strict.url, 'GET', services('web:80', '/'), ADMIN);
    expect([svc.status, JSON.parse(svc.body).message]).toEqual([400, 'address not allowed']);
    expect(seen).toEqual([]);
  });
});
