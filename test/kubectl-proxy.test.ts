// The apiserver's proxy subresources through the real `kubectl proxy` (1.32): plain HTTP to the local proxy,
// kubectl adds the credentials, the apiserver reaches the kubelet (with its kubelet client certificate), a
// node's other port, pods over HTTP and over unverified HTTPS, and Services through their Endpoints. Query
// strings, methods and bodies pass through; kubectl proxy's own --reject-paths keeps exec and attach out.
import type { ChildProcess } from 'node:child_process';
import { request, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectlSpawn } from './support/kubectl.ts';
import { freePort } from './support/net.ts';
import { waitRunning } from './support/pods.ts';

let cluster: Cluster;
let proxy: ChildProcess | undefined;
let proxyPort: number;
let readOnlyPort: number;
const podIPs: Record<string, string> = {};

beforeAll(async () => {
  // The kubelet's read-only port (plain HTTP, no authentication) is the node's "other port" here.
  readOnlyPort = await freePort('127.0.10.1');
  cluster = await startCluster({ nodes: 1, kubelet: { readOnlyPort } });
  const pod = (name: string, image: string, port: Record<string, unknown>) =>
    cluster.admin.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: name } },
      spec: { containers: [{ name, image, ports: [port] }] },
    });
  await pod('web', 'hubspoke/http-server', { name: 'http', containerPort: 8080 });
  await pod('webs', 'hubspoke/https-server', { containerPort: 8443 });
  const service = (name: string, port: Record<string, unknown>) =>
    cluster.admin.create('/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { selector: { app: name }, ports: [port] },
    });
  await service('web', { name: 'http', port: 80, targetPort: 8080 });
  await service('webs', { name: 'https', port: 443, targetPort: 8443 });
  await Promise.all(['web', 'webs'].map((name) => waitRunning(cluster, name)));
  for (const name of ['web', 'webs']) {
    podIPs[name] = ((await cluster.admin.get(`/api/v1/namespaces/default/pods/${name}`)).status as { podIP: string }).podIP;
    await waitFor(
      async () => {
        const eps = await cluster.admin.get(`/api/v1/namespaces/default/endpoints/${name}`);
        return ((eps.subsets as { addresses?: unknown[] }[] | undefined) ?? []).some((s) => (s.addresses ?? []).length > 0);
      },
      { timeoutMs: 20_000, what: `endpoints of service ${name}` },
    );
  }
  proxyPort = await freePort('127.0.0.1');
  proxy = await kubectlSpawn(['proxy', `--port=${proxyPort}`], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proxy!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`Starting to serve on 127.0.0.1:${proxyPort}`)) resolve();
    });
    proxy!.once('exit', (code) => reject(new Error(`kubectl proxy exited with ${code}: ${out}`)));
  });
}, 90_000);

afterAll(async () => {
  if (proxy && proxy.exitCode === null) {
    const exited = new Promise((resolve) => proxy!.once('exit', resolve));
    proxy.kill();
    await exited;
  }
  await cluster?.close();
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Plain HTTP to the local kubectl proxy. */
function viaProxy(method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxyPort, method, path, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const pods = (id: string, rest: string) => `/api/v1/namespaces/default/pods/${id}/proxy${rest}`;
const services = (id: string, rest: string) => `/api/v1/namespaces/default/services/${id}/proxy${rest}`;

/** Wait until the access log of the http-server pod `web` (what the backend itself received) has `line`. */
async function webLogged(line: string): Promise<void> {
  await waitFor(async () => (await viaProxy('GET', '/api/v1/namespaces/default/pods/web/log')).body.includes(line), {
    timeoutMs: 10_000,
    what: `web's access log to show ${line}`,
  });
}

describe('kubectl proxy → apiserver → nodes/proxy', () => {
  it('reaches the kubelet’s /healthz over the apiserver’s kubelet client', async () => {
    const answer = await viaProxy('GET', '/api/v1/nodes/node-1/proxy/healthz');
    expect([answer.status, answer.body]).toEqual([200, 'ok']);
  });

  it('reaches another port of the node with the requested scheme: the kubelet’s read-only port over plain HTTP', async () => {
    const answer = await viaProxy('GET', `/api/v1/nodes/node-1:${readOnlyPort}/proxy/pods`);
    expect(answer.status).toBe(200);
    const names = (JSON.parse(answer.body) as { items: { metadata: { name: string } }[] }).items.map((p) => p.metadata.name);
    expect(names.sort()).toEqual(['web', 'webs']);
  });
});

describe('kubectl proxy → apiserver → pods/proxy', () => {
  it('serves the http-server pod’s page on its first declared port', async () => {
    const answer = await viaProxy('GET', pods('web', '/'));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toContain('<h1>Hello from pod default/web</h1>');
    expect(answer.body).toContain(`at ${podIPs.web}`);
  });

  it('passes the query string through, and neither kubectl’s nor the apiserver’s credentials', async () => {
    const answer = await viaProxy('GET', pods('web:http', '/headers?x=1&y=two%20words'));
    expect(answer.status).toBe(200);
    const headers = JSON.parse(answer.body) as Record<string, string>;
    expect(headers.host).toBe(`${podIPs.web}:8080`);
    expect(headers.authorization).toBeUndefined();
    // kubectl proxy appends the browser's address, the apiserver appends kubectl's.
    expect(headers['x-forwarded-for']).toBe('127.0.0.1, 127.0.0.1');
    await webLogged('"GET /headers?x=1&y=two%20words HTTP/1.1" 200');
    const bytes = await viaProxy('GET', pods('web', '/bytes?n=5'));
    expect([bytes.status, [...Buffer.from(bytes.body, 'latin1')]]).toEqual([200, [0, 1, 2, 3, 4]]);
  });

  it('passes POST and PUT with their bodies to the pod, which echoes them', async () => {
    for (const method of ['POST', 'PUT']) {
      const body = `${method} body: ${'x'.repeat(1000)}`;
      const answer = await viaProxy(method, pods('web:8080', '/echo?via=kubectl-proxy'), { headers: { 'content-type': 'text/plain' }, body });
      expect([method, answer.status, answer.headers['content-type'], answer.body]).toEqual([method, 200, 'text/plain', body]);
    }
    await webLogged('"POST /echo?via=kubectl-proxy HTTP/1.1" 200 1011');
    await webLogged('"PUT /echo?via=kubectl-proxy HTTP/1.1" 200 1010');
  });

  it('speaks TLS to an https: pod whose self-signed certificate nobody could verify', async () => {
    const answer = await viaProxy('GET', pods('https:webs:8443', '/headers?tls=1'));
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as Record<string, string>).host).toBe(`${podIPs.webs}:8443`);
    const page = await viaProxy('GET', pods('https:webs:8443', '/'));
    expect(page.body).toContain('Served by hubspoke/https-server');
  });

  it('redirects an empty proxy path to the directory form', async () => {
    const answer = await viaProxy('GET', `${pods('web', '')}?a=b`);
    expect([answer.status, answer.headers.location]).toEqual([301, '/api/v1/namespaces/default/pods/web/proxy/?a=b']);
  });
});

describe('kubectl proxy → apiserver → services/proxy', () => {
  it('reaches the Service’s endpoint through its named port, query and body included', async () => {
    const page = await viaProxy('GET', services('web:http', '/'));
    expect(page.body).toContain('<h1>Hello from pod default/web</h1>');
    const echoed = await viaProxy('POST', services('web:http', '/echo?svc=1'), { headers: { 'content-type': 'application/json' }, body: '{"via":"service"}' });
    expect([echoed.status, echoed.headers['content-type'], echoed.body]).toEqual([200, 'application/json', '{"via":"service"}']);
    await webLogged('"POST /echo?svc=1 HTTP/1.1" 200 17');
  });

  it('reaches an https: Service by port number, TLS to the endpoint unverified', async () => {
    const answer = await viaProxy('GET', services('https:webs:443', '/'));
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<h1>Hello from pod default/webs</h1>');
  });
});

describe('kubectl proxy’s own --reject-paths', () => {
  it('refuses exec and attach with 403 Forbidden before anything reaches the apiserver', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/namespaces/default/pods/web/exec?command=echo&command=hi&stdout=1'],
      ['POST', '/api/v1/namespaces/default/pods/web/exec?command=echo&command=hi&stdout=1'],
      ['GET', '/api/v1/namespaces/default/pods/web/attach?stdout=1'],
    ]) {
      const answer = await viaProxy(method, path);
      expect([method, path, answer.status, answer.headers['content-type'], answer.body]).toEqual([method, path, 403, 'text/plain; charset=utf-8', 'Forbidden\n']);
    }
  });

  it('cannot be sidestepped with %2e%2e segments the apiserver would resolve (needs request-info.ts to keep dot segments)', async () => {
    // kubectl proxy matches `^/api/.*/pods/.*/exec` against the decoded path `/apis/../api/v1/…/exec` and lets
    // it through; Kubernetes never resolves dot segments, so for it this is no exec request at all.
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: proxyPort,
        path: '/apis/%2e%2e/api/v1/namespaces/default/pods/web/exec?command=echo&command=pwned&stdout=1',
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' },
        agent: false,
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer).toBe(404);
  });
});
