// The apiserver → node path over each egress the lab offers (direct, Konnectivity, SSH tunnels), checked with the
// real kubectl 1.32: logs, exec exit codes, port-forward bytes, and nodes/pods/services proxying all work the
// same, and the Konnectivity server's counters or the sshd's forwards show that the bytes took that path.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl, kubectlSpawn } from './support/kubectl.ts';
import { roundTrip } from './support/net.ts';
import { createPod, waitRunning } from './support/pods.ts';

type Mode = 'direct' | 'konnectivity' | 'ssh';

describe.each<Mode>(['direct', 'konnectivity', 'ssh'])('egress %s', (mode) => {
  let cluster: Cluster;
  // Destinations the sshds forwarded to, read from their log lines.
  const forwards: string[] = [];
  const logSink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) {
        if (!line.includes('"Forwarding"')) continue;
        const entry = JSON.parse(line) as { component?: string; msg?: string; destination?: string };
        if (entry.component === 'sshd' && entry.msg === 'Forwarding' && entry.destination) forwards.push(entry.destination);
      }
      done();
    },
  });

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 1, egress: mode, logger: pino({ level: 'info' }, logSink) });
    await createPod(cluster, 'chatty', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] });
    await createPod(cluster, 'echo', { image: 'hubspoke/echo', ports: [{ containerPort: 9000 }] });
    await createPod(cluster, 'shell', { image: 'hubspoke/shell', command: ['sh', '-c', 'sleep 100000'] });
    await cluster.admin.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'hubspoke/http-server', ports: [{ containerPort: 8080 }] }] },
    });
    await cluster.admin.create('/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    await Promise.all(['chatty', 'echo', 'shell', 'web'].map((p) => waitRunning(cluster, p)));
    await waitFor(async () => {
      const eps = await cluster.admin.get('/api/v1/namespaces/default/endpoints/web');
      return ((eps.subsets as { addresses?: unknown[] }[] | undefined) ?? []).some((s) => (s.addresses ?? []).length > 0);
    }, { timeoutMs: 20_000, what: 'endpoints of service web' });
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
  });

  const k = (args: string[]) => kubectl(args, { kubeconfig: cluster.adminKubeconfig, version: '1.32' });

  /** Connections the egress has carried so far: Konnectivity's successful dials, or the sshd's forwards. */
  async function carried(): Promise<number> {
    if (mode === 'konnectivity') {
      const metrics = await (await fetch(`http://127.0.0.1:${cluster.konnectivity!.server.adminPort}/metrics`)).text();
      return Number(/^konnectivity_network_proxy_server_dial_requests_total\{result="connected"\} (\d+)$/m.exec(metrics)?.[1]);
    }
    return mode === 'ssh' ? forwards.length : 0;
  }

  /** Run `op` and check that its traffic took this egress (and, for direct, that no other exists). */
  async function through<T>(op: () => Promise<T>): Promise<T> {
    const before = await carried();
    const result = await op();
    if (mode === 'direct') {
      expect(cluster.konnectivity).toBeUndefined();
      expect(cluster.sshd).toBeUndefined();
    } else {
      expect(await carried()).toBeGreaterThan(before);
    }
    return result;
  }

  it('starts the node side of the egress', () => {
    if (mode === 'konnectivity') {
      expect(cluster.konnectivity!.agents.map((a) => a.connected)).toEqual([true]);
      expect(cluster.konnectivity!.server.agents().map((a) => a.identifiers)).toEqual([expect.objectContaining({ host: ['node-1'] })]);
    } else if (mode === 'ssh') {
      expect(cluster.sshd!.map((s) => s.address)).toEqual(['127.0.10.1']);
    } else {
      expect(cluster.konnectivity ?? cluster.sshd).toBeUndefined();
    }
  });

  it('streams logs', async () => {
    // The logger may have just started: wait until it has three lines, then count the read that shows them.
    await waitFor(async () => (await k(['logs', 'chatty'])).stdout.trim().split('\n').length >= 3, { timeoutMs: 10_000, intervalMs: 100, what: 'three log lines' });
    const r = await through(() => k(['logs', 'chatty']));
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatch(/^\d+ \S+ hello from chatty$/);
  });

  it('carries the exit code of exec', async () => {
    const r = await through(() => k(['exec', 'shell', '--', 'sh', '-c', 'exit 3']));
    expect(r.code).toBe(3);
  });

  it('port-forwards 8 MiB intact', async () => {
    // kubectl opens the stream to the kubelet when it starts, so the whole session is what must cross the egress.
    await through(async () => {
      const child = await kubectlSpawn(['port-forward', 'pod/echo', ':9000'], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
      try {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => (out += d));
        child.stderr!.on('data', (d: Buffer) => (out += d));
        const port = await waitFor(() => Number(/Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(out)?.[1]) || undefined, {
          timeoutMs: 15_000,
          what: `kubectl port-forward to listen; output: ${out}`,
        });
        const trip = await roundTrip(port, 8 * 1024 * 1024);
        expect(trip.received).toBe(trip.sent);
        // The port-forward stream to the kubelet is still open inside the tunnel.
        if (mode === 'konnectivity') expect(cluster.konnectivity!.agents[0].openConnections).toBeGreaterThan(0);
        if (mode === 'ssh') {
          const [conn] = cluster.sshd![0].connections();
          expect(conn.user).toBe('kube-apiserver');
          expect(conn.openForwards).toBeGreaterThan(0);
        }
      } finally {
        child.kill();
      }
    });
  }, 30_000);

  it('proxies to the node, a pod and a Service', async () => {
    const node = await through(() => k(['get', '--raw', '/api/v1/nodes/node-1/proxy/healthz']));
    expect(node).toMatchObject({ code: 0, stdout: 'ok' });
    const pod = await through(() => k(['get', '--raw', '/api/v1/namespaces/default/pods/web:8080/proxy/']));
    expect(pod.stderr).toBe('');
    expect(pod.stdout).toContain('Hello from pod default/web');
    const svc = await through(() => k(['get', '--raw', '/api/v1/namespaces/default/services/web:80/proxy/']));
    expect(svc.stderr).toBe('');
    expect(svc.stdout).toContain('Hello from pod default/web');
    if (mode === 'ssh') {
      const pods = await cluster.admin.get('/api/v1/namespaces/default/pods/web');
      expect(forwards).toContain(`${(pods.status as { podIP: string }).podIP}:8080`);
    }
  });
});
