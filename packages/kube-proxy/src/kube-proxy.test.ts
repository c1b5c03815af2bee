// kube-proxy against a real in-process apiserver, with real TCP echo servers as endpoints on 127.0.0.x and
// Service VIPs in this file's own range (127.97.0.0/16), so it can run beside other test files.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '@hubspoke/api';
import { startKubeProxy } from './kube-proxy.ts';
import type { KubeProxyHandle } from './kube-proxy.ts';
import { connectOutcome, exchange, startEchoServer } from './testing/echo-server.ts';
import type { EchoServer } from './testing/echo-server.ts';
import { memoryLogger } from './testing/memory-logger.ts';
import type { LogRecord } from './testing/memory-logger.ts';
import { PATHS, serviceObject, sliceObject, startTestCluster } from './testing/test-cluster.ts';
import type { TestCluster } from './testing/test-cluster.ts';
import { until } from './testing/until.ts';

const RANGE = '127.97.0.0/16';
const FAST = { relistBackoff: { initialMs: 20, maxMs: 100 } };

let cluster: TestCluster;
let proxy: KubeProxyHandle;
let records: LogRecord[];
const perTest: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  cluster = await startTestCluster(RANGE);
  const log = memoryLogger();
  records = log.records;
  proxy = await startKubeProxy({
    client: cluster.proxyClient(),
    logger: log.logger,
    healthzBindAddress: '127.0.0.1:0',
    metricsBindAddress: '127.0.0.1:0',
    ...FAST,
  });
  await proxy.ready;
});
afterAll(async () => {
  await proxy?.stop();
  await cluster?.close();
});
afterEach(async () => {
  for (const undo of perTest.splice(0).reverse()) await undo();
});

// Each test gets its own VIP (127.97.1.n) and endpoint addresses (127.0.0.n0+), so leftovers never interfere.
let nextTest = 0;
function addresses() {
  const n = ++nextTest;
  return { vip: `127.97.1.${n}`, endpoint: (i: number) => `127.0.${n}.${10 + i}` };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function echo(ip: string, name: string): Promise<EchoServer> {
  const server = await startEchoServer(ip, name);
  perTest.push(() => server.close());
  return server;
}

async function createService(...args: Parameters<typeof serviceObject>): Promise<KubeObject> {
  const created = await cluster.admin.create<KubeObject>(PATHS.services, serviceObject(...args));
  perTest.push(() => cluster.admin.delete(`${PATHS.services}/${created.metadata.name}`).catch(() => undefined));
  return created;
}

async function putSlice(...args: Parameters<typeof sliceObject>): Promise<void> {
  const body = sliceObject(...args);
  const name = args[0];
  try {
    const current = await cluster.admin.get<KubeObject>(`${PATHS.slices}/${name}`);
    await cluster.admin.update(`${PATHS.slices}/${name}`, { ...body, metadata: { ...(body.metadata as object), resourceVersion: current.metadata.resourceVersion } });
  } catch {
    await cluster.admin.create(PATHS.slices, body);
    perTest.push(() => cluster.admin.delete(`${PATHS.slices}/${name}`).catch(() => undefined));
  }
}

const listening = (vip: string, port: number) => () => proxy.listeners().some((l) => l.address === vip && l.port === port);

/** The endpoint names `count` fresh connections to vip:port reach. */
async function names(vip: string, port: number, count: number, localAddress?: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((await exchange(vip, port, '', localAddress)).name);
  return out;
}

describe('kube-proxy', () => {
  it('listens on a new Service VIP and relays bytes both ways to its endpoint', async () => {
    const { vip, endpoint } = addresses();
    const a = await echo(endpoint(1), 'a');
    const port = await freePort();
    await createService('relay', vip, [{ name: 'web', port }]);
    await putSlice('relay-1', 'relay', { name: 'web', port: a.port }, [{ ip: a.ip }]);
    await until(listening(vip, port), 'the listener');
    expect(proxy.listeners()).toContainEqual({ namespace: 'default', service: 'relay', portName: 'web', port, address: vip });

    const payload = randomBytes(2 * 1024 * 1024);
    const answer = await until(() => exchange(vip, port, payload).catch(() => undefined), 'a relayed answer');
    expect(answer.name).toBe('a');
    expect(answer.echoed.equals(payload)).toBe(true);
  });

  it('opens a listener for a port added to a live Service and closes it when the port goes', async () => {
    const { vip, endpoint } = addresses();
    const a = await echo(endpoint(1), 'a');
    const [p1, p2] = [await freePort(), await freePort()];
    const svc = await createService('ports', vip, [{ name: 'one', port: p1 }]);
    await putSlice('ports-1', 'ports', { name: 'two', port: a.port }, [{ ip: a.ip }]);
    await until(listening(vip, p1), 'the first port');
    const withTwo = { ...svc, spec: { ...(svc.spec as object), ports: [{ name: 'one', port: p1, protocol: 'TCP' }, { name: 'two', port: p2, protocol: 'TCP' }] } };
    const updated = await cluster.admin.update<KubeObject>(`${PATHS.services}/ports`, withTwo);
    await until(listening(vip, p2), 'the added port');
    expect((await exchange(vip, p2)).name).toBe('a');
    // Port "one" has no endpoint with its name: it is listened on but has nothing to relay to.
    expect(await connectOutcome(vip, p1)).toBe('ECONNRESET');

    await cluster.admin.update(`${PATHS.services}/ports`, { ...updated, spec: { ...(updated.spec as object), ports: [{ name: 'one', port: p1, protocol: 'TCP' }] } });
    await until(() => !listening(vip, p2)(), 'the removed port to close');
    expect(await connectOutcome(vip, p2)).toBe('ECONNREFUSED');
  });

  it('alternates connections between two endpoints', async () => {
    const { vip, endpoint } = addresses();
    const a = await echo(endpoint(1), 'a');
    const b = await echo(endpoint(2), 'b');
    const port = await freePort();
    await createService('rr', vip, [{ name: 'web', port }]);
    await putSlice('rr-a', 'rr', { name: 'web', port: a.port }, [{ ip: a.ip }]);
    await putSlice('rr-b', 'rr', { name: 'web', port: b.port }, [{ ip: b.ip }]);
    await until(async () => new Set(await names(vip, port, 2).catch(() => [])).size === 2, 'both endpoints');
    const seen = await names(vip, port, 6);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);
    expect(a.accepted + b.accepted).toBeGreaterThanOrEqual(6);
  });

  it('moves traffic off an endpoint that turns not ready, and off one that is removed', async () => {
    const { vip, endpoint } = addresses();
    const a = await echo(endpoint(1), 'a');
    const b = await echo(endpoint(2), 'b');
    const port = await freePort();
    await createService('moves', vip, [{ name: 'web', port }]);
    await putSlice('moves-a', 'moves', { name: 'web', port: a.port }, [{ ip: a.ip }]);
    await putSlice('moves-b', 'moves', { name: 'web', port: b.port }, [{ ip: b.ip }]);
    await until(async () => new Set(await names(vip, port, 2).catch(() => [])).size === 2, 'both endpoints');

    await putSlice('moves-a', 'moves', { name: 'web', port: a.port }, [{ ip: a.ip, ready: false }]);
    await until(async () => (await names(vip, port, 4)).every((n) => n === 'b'), 'traffic to leave the not-ready endpoint');

    await putSlice('moves-a', 'moves', { name: 'web', port: a.port }, [{ ip: a.ip, ready: true }]);
    await cluster.admin.delete(`${PATHS.slices}/moves-b`);
    await until(async () => (await names(vip, port, 4)).every((n) => n === 'a'), 'traffic to leave the removed endpoint');
  });

  it('closes the listener when the Service is deleted, letting an open connection finish', async () => {
    const { vip, endpoint } = addresses();
    const a = await echo(endpoint(1), 'a');
    const port = await freePort();
    await createService('gone', vip, [{ name: 'web', port }]);
    await putSlice('gone-1', 'gone', { name: 'web', port: a.port }, [{ ip: a.ip }]);
    await until(async () => (await connectOutcome(vip, port)) === 'ok', 'the service to answer');

    const open = net.connect({ host: vip, port });
    perTest.push(async () => open.destroy());
    let received = '';
    open.on('data', (c: Buffer) => (received += c.toString()));
    await until(() => received === 'a\n', 'the greeting');

    await cluster.admin.delete(`${PATHS.services}/gone`);
    await until(() => !listening(vip, port)(), 'the listener to close');
    expect(await connectOutcome(vip, port)).toBe('ECONNREFUSED');
    open.write('after delete');
    await until(() => received === 'a\nafter delete', 'the open connection to keep relaying');
  });

  it('resets connections to a Service without ready endpoints and logs each one', async () => {
    const { vip } = addresses();
    const port = await freePort();
    await createService('empty', vip, [{ name: 'web', port }]);
    await until(listening(vip, port), 'the listener');
    const rejectedBefore = proxy.stats.connectionsRejected;
    expect(await connectOutcome(vip, port)).toBe('ECONNRESET');
    expect(proxy.stats.connectionsRejected).toBe(rejectedBefore + 1);
    expect(records.some((r) => r.msg === 'Rejected connection: service port has no ready endpoints' && r.servicePortName === 'default/empty:web')).toBe(true);
  });

  it('keeps a client on one endpoint with ClientIP affinity while another client is balanced apart', async () => {
    const { vip, endpoint } = addresses();
    const a = await echo(endpoint(1), 'a');
    const b = await echo(endpoint(2), 'b');
    const port = await freePort();
    await createService('sticky', vip, [{ name: 'web', port }], { sessionAffinity: 'ClientIP', timeoutSeconds: 60 });
    await putSlice('sticky-a', 'sticky', { name: 'web', port: a.port }, [{ ip: a.ip }]);
    await putSlice('sticky-b', 'sticky', { name: 'web', port: b.port }, [{ ip: b.ip }]);
    // Every new client address takes the next endpoint in turn: two fresh clients reach both once both are in.
    let probe = 100;
    const fresh = async () => (await names(vip, port, 1, `127.0.0.${probe++}`).catch(() => ['none']))[0];
    await until(async () => new Set([await fresh(), await fresh()]).size === 2, 'both endpoints');

    const [first] = await names(vip, port, 1, '127.0.0.201');
    const other = first === 'a' ? 'b' : 'a';
    expect(await names(vip, port, 5, '127.0.0.201')).toEqual(Array(5).fill(first));
    expect(await names(vip, port, 4, '127.0.0.202')).toEqual(Array(4).fill(other));
    expect(await names(vip, port, 2, '127.0.0.201')).toEqual(Array(2).fill(first));
  });

  it('logs a Service address it cannot bind and keeps serving the others', async () => {
    const { vip, endpoint } = addresses();
    const a = await echo(endpoint(1), 'a');
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen({ host: vip, port: 0 }, resolve));
    perTest.push(() => new Promise((resolve) => squatter.close(resolve)));
    const taken = (squatter.address() as net.AddressInfo).port;
    const free = await freePort();
    await createService('clash', vip, [{ name: 'taken', port: taken }, { name: 'free', port: free }]);
    await putSlice('clash-1', 'clash', { name: 'free', port: a.port }, [{ ip: a.ip }]);
    await until(listening(vip, free), 'the free port');
    const error = await until(() => records.find((r) => r.servicePortName === 'default/clash:taken' && r.level === 50), 'the bind error');
    expect(error.msg).toBe(`listen tcp ${vip}:${taken} for service port default/clash:taken: address already in use (EADDRINUSE); another process, or another kube-proxy, is listening there`);
    expect(listening(vip, taken)()).toBe(false);
    expect((await exchange(vip, free)).name).toBe('a');
  });

  it('says once that a UDP port is not proxied', async () => {
    const { vip } = addresses();
    const port = await freePort();
    await createService('dns', vip, [{ name: 'dns', port, protocol: 'UDP' }, { name: 'dns-tcp', port }]);
    await until(listening(vip, port), 'the TCP port');
    const syncs = proxy.stats.syncs;
    const current = await cluster.admin.get<KubeObject>(`${PATHS.services}/dns`);
    await cluster.admin.update(`${PATHS.services}/dns`, { ...current, metadata: { ...current.metadata, labels: { touched: 'yes' } } });
    await until(() => proxy.stats.syncs > syncs, 'a sync after the update');
    const notices = records.filter((r) => r.servicePortName === 'default/dns:dns');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ protocol: 'UDP', msg: 'Service port not proxied: the user-space proxy only proxies TCP' });
  });

  it('forwards the kubernetes Service VIP to the apiserver (or explains why port 443 cannot be bound)', async () => {
    const vip = '127.97.0.1';
    if (process.getuid?.() === 0) {
      await until(listening(vip, 443), 'the kubernetes service listener');
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https.get(
          { host: vip, port: 443, path: '/version', ca: cluster.apiserver.servingCert, checkServerIdentity: () => undefined, headers: { Authorization: 'Bearer admin-token' } },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toHaveProperty('gitVersion');
    } else {
      const error = await until(() => records.find((r) => r.servicePortName === 'default/kubernetes:https' && r.level === 50), 'the bind error');
      expect(error.code).toBe('EACCES');
      expect(error.msg).toContain('CAP_NET_BIND_SERVICE');
    }
  });

  it('counts relayed connections, errors and syncs in /metrics', async () => {
    const { vip, endpoint } = addresses();
    const a = await echo(endpoint(1), 'a');
    const port = await freePort();
    await createService('counted', vip, [{ name: 'web', port }]);
    await until(listening(vip, port), 'the listener');
    const scrape = async () => {
      const res = await fetch(`http://${proxy.metricsAddress}/metrics`);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const values = new Map<string, number>();
      for (const line of (await res.text()).split('\n')) {
        const m = /^(\S+) (\S+)$/.exec(line);
        if (m) values.set(m[1], Number(m[2]));
      }
      return values;
    };
    const before = await scrape();
    expect(await connectOutcome(vip, port)).toBe('ECONNRESET');
    await putSlice('counted-1', 'counted', { name: 'web', port: a.port }, [{ ip: a.ip }]);
    await until(async () => (await connectOutcome(vip, port)) === 'ok', 'the endpoint');
    const after = await scrape();
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(delta('kubeproxy_userspace_connections_proxied_total')).toBeGreaterThanOrEqual(1);
    expect(delta('kubeproxy_userspace_connection_errors_total{reason="no_endpoints"}')).toBeGreaterThanOrEqual(1);
    expect(delta('kubeproxy_sync_proxy_rules_endpoint_changes_total')).toBeGreaterThanOrEqual(1);
    expect(delta('kubeproxy_sync_proxy_rules_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(after.get('kubeproxy_userspace_listeners')).toBe(proxy.listeners().length);
    expect(await (await fetch(`http://${proxy.metricsAddress}/proxyMode`)).text()).toBe('userspace');
  });
});

describe('kube-proxy health', () => {
  it('answers /healthz 503 until it could list Services and EndpointSlices, then 200', async () => {
    const log = memoryLogger();
    const late = await startKubeProxy({ client: cluster.lateClient(), logger: log.logger, healthzBindAddress: '127.0.0.1:0', ...FAST });
    perTest.push(() => late.stop());
    const healthz = async () => {
      const res = await fetch(`http://${late.healthzAddress}/healthz`);
      return { status: res.status, body: JSON.parse(await res.text()) as Record<string, unknown> };
    };
    // late-proxy may not list anything yet: every list is a 403 and the proxy stays unsynced.
    const denied = await until(() => log.records.find((r) => r.msg === 'Failed to list or watch services'), 'a denied list');
    expect(denied.err).toContain('services is forbidden: User "late-proxy" cannot list resource "services"');
    expect(await healthz()).toMatchObject({ status: 503, body: { lastUpdated: '0001-01-01 00:00:00 +0000 UTC', nodeEligible: true } });

    const binding = await cluster.admin.create<KubeObject>(PATHS.clusterRoleBindings, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'late-proxy' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-proxier' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'late-proxy' }],
    });
    perTest.push(() => cluster.admin.delete(`${PATHS.clusterRoleBindings}/${binding.metadata.name}`));
    await late.ready;
    const synced = await healthz();
    expect(synced.status).toBe(200);
    expect(synced.body.lastUpdated).toBe(synced.body.currentTime);
  });

  it('reports nodeEligible false once its Node is marked for deletion by the autoscaler', async () => {
    await cluster.admin.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'proxy-node' }, spec: {} });
    perTest.push(() => cluster.admin.delete('/api/v1/nodes/proxy-node').catch(() => undefined));
    const onNode = await startKubeProxy({ client: cluster.proxyClient(), nodeName: 'proxy-node', logger: memoryLogger().logger, healthzBindAddress: '127.0.0.1:0', ...FAST });
    perTest.push(() => onNode.stop());
    await onNode.ready;
    const healthz = async () => {
      const res = await fetch(`http://${onNode.healthzAddress}/healthz`);
      return { status: res.status, body: JSON.parse(await res.text()) as Record<string, unknown> };
    };
    expect(await healthz()).toMatchObject({ status: 200, body: { nodeEligible: true } });
    await cluster.admin.patch('/api/v1/nodes/proxy-node', { spec: { taints: [{ key: 'ToBeDeletedByClusterAutoscaler', effect: 'NoSchedule' }] } }, 'merge');
    await until(async () => (await healthz()).status === 503, 'healthz to fail');
    expect((await healthz()).body.nodeEligible).toBe(false);
  });
});
