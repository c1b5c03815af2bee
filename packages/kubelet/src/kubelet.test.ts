import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { splitCertificateBundle } from '@hubspoke/pki';
import type { KubeObject } from '@hubspoke/api';
import { startKubelet } from './kubelet.ts';
import { startFakeApiserver } from './testing/fake-apiserver.ts';
import type { FakeApiserver } from './testing/fake-apiserver.ts';
import { startTestKubelet } from './testing/test-kubelet.ts';
import type { TestKubelet } from './testing/test-kubelet.ts';

let apiserver: FakeApiserver;
let running: TestKubelet | undefined;

beforeAll(async () => {
  apiserver = await startFakeApiserver();
});
afterAll(async () => {
  await apiserver.close();
});
afterEach(async () => {
  await running?.cleanup();
  running = undefined;
});

function get(url: string, ca?: string): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, rejectUnauthorized: Boolean(ca) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
  });
}

describe('node registration', () => {
  it('registers a Node with its addresses, kubelet port, labels and a Ready condition', async () => {
    running = await startTestKubelet(apiserver, { labels: { 'node-role.kubernetes.io/worker': '' } });
    await running.kubelet.ready;
    const create = apiserver.requests.find((r) => r.method === 'POST' && r.path === '/api/v1/nodes');
    expect(create?.userAgent).toMatch(/^kubelet\/v1\.32\.0 /);
    const node = create?.body as KubeObject & { status: Record<string, any>; spec: Record<string, any> };
    expect(node.metadata.name).toBe('node-a');
    expect(node.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': 'node-a',
      'kubernetes.io/os': 'linux',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': expect.any(String),
      'node-role.kubernetes.io/worker': '',
    });
    expect(node.spec.podCIDR).toBe(running.kubelet.config.podCIDR);
    expect(node.spec.podCIDRs).toEqual([running.kubelet.config.podCIDR]);
    expect(node.status.addresses).toEqual([
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: 'node-a' },
    ]);
    expect(node.status.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: running.kubelet.port } });
    expect(node.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`)).toEqual([
      'MemoryPressure=False',
      'DiskPressure=False',
      'PIDPressure=False',
      'Ready=True',
    ]);
    expect(node.status.conditions[3]).toMatchObject({ reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    expect(node.status.nodeInfo).toMatchObject({
      kubeletVersion: 'v1.32.0',
      containerRuntimeVersion: 'hubspoke://0.1.0',
      operatingSystem: 'linux',
      machineID: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(node.status.capacity).toMatchObject({ pods: '110', cpu: expect.stringMatching(/^\d+$/), memory: expect.stringMatching(/^\d+Ki$/) });
    expect(node.status.images.some((i: { names: string[] }) => i.names.includes('hubspoke/logger'))).toBe(true);
  });

  it('reconciles an already registered Node instead of failing', async () => {
    running = await startTestKubelet(apiserver);
    await running.kubelet.ready;
    await running.cleanup();
    const before = apiserver.requests.length;
    running = await startTestKubelet(apiserver, { labels: { extra: 'yes' } });
    await running.kubelet.ready;
    const after = apiserver.requests.slice(before);
    expect(after.find((r) => r.method === 'POST' && r.path === '/api/v1/nodes')).toBeDefined();
    expect(after.find((r) => r.method === 'PATCH' && r.path === '/api/v1/nodes/node-a')?.body).toMatchObject({
      metadata: { labels: { extra: 'yes' } },
    });
    expect(apiserver.get('nodes', undefined, 'node-a')?.metadata.labels?.extra).toBe('yes');
  });

  it('sends node status heartbeats by PATCH to nodes/<name>/status', async () => {
    running = await startTestKubelet(apiserver);
    await running.kubelet.ready;
    await vi.waitFor(() => {
      const beats = apiserver.requests.filter((r) => r.method === 'PATCH' && r.path === '/api/v1/nodes/node-a/status');
      expect(beats.length).toBeGreaterThanOrEqual(2);
      expect(beats.every((b) => b.contentType === 'application/merge-patch+json')).toBe(true);
    });
    const node = apiserver.get('nodes', undefined, 'node-a') as KubeObject & { status: { conditions: Array<Record<string, string>> } };
    const ready = node.status.conditions.find((c) => c.type === 'Ready')!;
    expect(ready.status).toBe('True');
    expect(Date.parse(ready.lastHeartbeatTime)).toBeGreaterThanOrEqual(Date.parse(ready.lastTransitionTime));
  });
});

describe('node lease', () => {
  it('creates kube-node-lease/<node> owned by the Node and renews it', async () => {
    running = await startTestKubelet(apiserver);
    await running.kubelet.ready;
    const lease = apiserver.get('leases', 'kube-node-lease', 'node-a') as KubeObject & { spec: Record<string, unknown> };
    const node = apiserver.get('nodes', undefined, 'node-a')!;
    expect(lease.spec).toMatchObject({ holderIdentity: 'node-a', leaseDurationSeconds: 40 });
    expect(lease.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(lease.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'node-a', uid: node.metadata.uid }]);
    const firstRenew = lease.spec.renewTime;
    await vi.waitFor(() => {
      const renewed = apiserver.get('leases', 'kube-node-lease', 'node-a') as KubeObject & { spec: { renewTime: string } };
      expect(renewed.spec.renewTime).not.toBe(firstRenew);
    });
    const puts = apiserver.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/leases/node-a'));
    expect(puts.length).toBeGreaterThan(0);
    expect((puts.at(-1)!.body as KubeObject).metadata.resourceVersion).toMatch(/^\d+$/);
  });
});

describe('kubelet server', () => {
  it('serves /healthz and /pods over TLS with a self-signed <node>@<unix> certificate', async () => {
    running = await startTestKubelet(apiserver);
    const { kubelet } = running;
    const [leaf, ca] = splitCertificateBundle(kubelet.servingCertPem);
    const cert = new X509Certificate(leaf);
    expect(cert.subject).toMatch(/^CN=node-a@\d{10}$/);
    expect(cert.issuer).toMatch(/^CN=node-a-ca@\d{10}$/);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(kubelet.url).toBe(`https://127.0.0.1:${kubelet.port}`);

    // The self-signed CA is the only thing that verifies it: this is what clients would have to pin.
    const health = await get(`${kubelet.url}/healthz`, ca);
    expect(health).toMatchObject({ status: 200, body: 'ok' });
    await kubelet.ready;
    const pods = await get(`${kubelet.url}/pods`, ca);
    expect(pods.status).toBe(200);
    expect(JSON.parse(pods.body)).toMatchObject({ kind: 'PodList', apiVersion: 'v1', items: [] });
    expect((await get(`${kubelet.url}/nope`, ca)).status).toBe(404);
  });

  it('reuses the self-signed certificate kept in the cert dir across restarts', async () => {
    running = await startTestKubelet(apiserver);
    const first = running.kubelet.servingCertPem;
    await running.kubelet.stop();
    const again = await startTestKubelet(apiserver, { rootDir: running.rootDir });
    try {
      expect(again.kubelet.servingCertPem).toBe(first);
    } finally {
      await again.kubelet.stop();
    }
  });

  it('serves /healthz and /pods on the plain-HTTP read-only port when enabled', async () => {
    running = await startTestKubelet(apiserver, { readOnlyPort: 0 });
    expect(running.kubelet.readOnlyPort).toBe(0);
    await running.cleanup();
    // Port 0 means "disabled" for the read-only port, so ask the OS for a free port first.
    const free = await new Promise<number>((resolve) => {
      const s = https.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    running = await startTestKubelet(apiserver, { readOnlyPort: free });
    const res = await fetch(`http://127.0.0.1:${free}/healthz`);
    expect(await res.text()).toBe('ok');
    const pods = await fetch(`http://127.0.0.1:${free}/pods`);
    expect((await pods.json()) as object).toMatchObject({ kind: 'PodList' });
  });
});

describe('standalone and stop', () => {
  it('runs without a kubeconfig: server only, ready at once', async () => {
    running = await startTestKubelet(apiserver, { kubeconfig: undefined });
    await running.kubelet.ready;
    expect((await get(`${running.kubelet.url}/healthz`)).body).toBe('ok');
  });

  it('stop() closes the server and leaves the Node in place', async () => {
    running = await startTestKubelet(apiserver);
    await running.kubelet.ready;
    const url = running.kubelet.url;
    await running.cleanup();
    running = undefined;
    await expect(get(`${url}/healthz`)).rejects.toThrow();
    expect(apiserver.get('nodes', undefined, 'node-a')).toBeDefined();
    expect(apiserver.requests.some((r) => r.method === 'DELETE' && r.path.startsWith('/api/v1/nodes'))).toBe(false);
  });

  it('rejects an invalid configuration before listening', async () => {
    await expect(startKubelet({ nodeIP: 'nope', port: 0 })).rejects.toThrow(/node IP \(--node-ip\) "nope"/);
  });
});
