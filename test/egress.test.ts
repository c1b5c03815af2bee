// The apiserver → node path over each egress the lab offers (direct, Konnectivity, SSH tunnels), checked with the
// real kubectl 1.32: logs (and -f), exec exit codes, attach, 64 MiB of port-forward bytes, and nodes/pods/services
// proxying all work the same, and the Konnectivity server's counters or the sshd's forwards show that the bytes
// took that path. Killing the tunnel's process mid-stream ends the streams with an error, and once it is back new
// streams work with the same apiserver and agents; nodes that join later get their side of the egress too.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl, kubectlPortForward, kubectlSpawn } from './support/kubectl.ts';
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
    await createPod(cluster, 'talk', { image: 'hubspoke/shell', stdin: true });
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
    await Promise.all(['chatty', 'echo', 'shell', 'talk', 'web'].map((p) => waitRunning(cluster, p)));
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
      expect(cluster.ssh).toBeUndefined();
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
      expect(cluster.ssh!.daemons.map((s) => s.address)).toEqual(['127.0.10.1']);
    } else {
      expect(cluster.konnectivity ?? cluster.ssh).toBeUndefined();
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

  it('follows logs', async () => {
    await through(async () => {
      const child = await kubectlSpawn(['logs', '-f', '--tail=1', 'chatty'], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
      try {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => (out += d));
        // --tail=1 shows one line; every further one arrived while following.
        await waitFor(() => out.trim().split('\n').length >= 4, { timeoutMs: 10_000, intervalMs: 50, what: `four followed lines; got: ${out}` });
        for (const line of out.trim().split('\n')) expect(line).toMatch(/^\d+ \S+ hello from chatty$/);
      } finally {
        child.kill();
      }
    });
  });

  it('attaches to an interactive container', async () => {
    await through(async () => {
      const child = await kubectlSpawn(['attach', '-i', 'talk'], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d));
      try {
        const token = `attached-over-${mode}`;
        await waitFor(() => {
          child.stdin!.write(`echo ${token}\n`);
          return out.includes(token);
        }, { timeoutMs: 10_000, intervalMs: 300, what: 'the echoed line through attach' });
      } finally {
        child.kill();
      }
    });
  });

  it('port-forwards 64 MiB intact', async () => {
    // kubectl opens the stream to the kubelet when it starts, so the whole session is what must cross the egress.
    await through(async () => {
      const { port, child } = await kubectlPortForward('pod/echo', ':9000', { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
      try {
        const trip = await roundTrip(port, 64 * 1024 * 1024);
        expect(trip.received).toBe(trip.sent);
        // The port-forward stream to the kubelet is still open inside the tunnel.
        if (mode === 'konnectivity') expect(cluster.konnectivity!.agents[0].openConnections).toBeGreaterThan(0);
        if (mode === 'ssh') {
          const [conn] = cluster.ssh!.daemons[0].connections();
          expect(conn.user).toBe('kube-apiserver');
          expect(conn.openForwards).toBeGreaterThan(0);
        }
      } finally {
        child.kill();
      }
    });
  }, 90_000);

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

/** Follow `pod`'s logs with kubectl 1.32; the handle tells how many lines arrived and how kubectl ended. */
async function follow(cluster: Cluster, pod: string): Promise<{ lines(): string[]; stderr(): string; exited: Promise<number>; stop(): void }> {
  const child = await kubectlSpawn(['logs', '-f', pod], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { lines: () => out.trim().split('\n').filter(Boolean), stderr: () => err, exited, stop: () => child.kill() };
}

describe.each<'konnectivity' | 'ssh'>(['konnectivity', 'ssh'])('when the %s tunnel breaks and mends', (mode) => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 1, egress: mode });
    await createPod(cluster, 'chatty', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] });
    await waitRunning(cluster, 'chatty');
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
  });

  const k = (args: string[]) => kubectl(args, { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
  const crash = () => (mode === 'konnectivity' ? cluster.konnectivity!.stopServer() : cluster.ssh!.stop('node-1'));
  const restart = () => (mode === 'konnectivity' ? cluster.konnectivity!.startServer() : cluster.ssh!.start('node-1'));

  it('ends a followed stream with an error, refuses new ones while down, and serves again after a restart', async () => {
    const logs = await follow(cluster, 'chatty');
    try {
      await waitFor(() => logs.lines().length >= 3, { timeoutMs: 10_000, intervalMs: 50, what: 'followed lines' });
      await crash();
      // The relayed connection is cut, so kubectl sees the response end early rather than a clean finish.
      const code = await logs.exited;
      expect(code).not.toBe(0);
      expect(logs.stderr()).toBe('error: unexpected EOF\n');
    } finally {
      logs.stop();
    }

    // While it is down, new streams fail at the dial, and the message says which hop failed.
    const down = await k(['logs', 'chatty']);
    expect(down.code).toBe(1);
    // Konnectivity: the apiserver's proxy client names the socket (its words); SSH: Go's ssh.Dial returns the TCP
    // error for the sshd's port, not the kubelet's.
    const kubeletUrl = `https://127.0.10.1:${cluster.kubelets[0].port}/containerLogs/default/chatty/chatty`;
    const socket = `${cluster.dir}/konnectivity-server.socket`;
    expect(down.stderr).toBe(mode === 'konnectivity'
      ? `Error from server: Get "${kubeletUrl}": dialing proxy "${socket}" failed: dial unix ${socket}: connect: no such file or directory\n`
      : `Error from server: Get "${kubeletUrl}": dial tcp 127.0.10.1:${cluster.ssh!.port}: connect: connection refused\n`);
    const execDown = await k(['exec', 'chatty', '--', 'sh', '-c', 'exit 4']);
    expect(execDown.stderr).toMatch(/^Error from server: error dialing backend: /);

    // Restarted: the same apiserver (and, for Konnectivity, the same agents, which reconnect on their own).
    await restart();
    const logsAgain = await waitFor(async () => {
      const r = await k(['logs', 'chatty']);
      return r.code === 0 ? r : undefined;
    }, { timeoutMs: 15_000, intervalMs: 200, what: 'logs after the restart' });
    expect(logsAgain.stdout).toMatch(/hello from chatty\n$/);
    expect((await k(['exec', 'chatty', '--', 'sh', '-c', 'exit 4'])).code).toBe(4);
    const again = await follow(cluster, 'chatty');
    try {
      await waitFor(() => again.lines().length >= 3, { timeoutMs: 10_000, intervalMs: 50, what: 'followed lines after the restart' });
    } finally {
      again.stop();
    }
  }, 60_000);

  it('gives a node that joins later its own side of the tunnel', async () => {
    const kubelet = await cluster.joinNode('node-join');
    await createPod(cluster, 'joined', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] }, { nodeName: 'node-join' });
    await waitRunning(cluster, 'joined');
    const logs = await follow(cluster, 'joined');
    try {
      await waitFor(() => logs.lines().length >= 2, { timeoutMs: 10_000, intervalMs: 50, what: 'followed lines from the joined node' });
      // The open stream sits in the joined node's agent or sshd, not node-1's.
      if (mode === 'konnectivity') {
        const [first, joined] = cluster.konnectivity!.agents;
        expect(joined.agentId).toBe('node-join');
        expect(joined.openConnections).toBeGreaterThan(0);
        expect(first.openConnections).toBe(0);
      } else {
        const joined = cluster.ssh!.daemons[1];
        expect(joined.address).toBe(kubelet.address);
        expect(joined.connections()).toEqual([expect.objectContaining({ user: 'kube-apiserver', openForwards: 1 })]);
        expect(cluster.ssh!.daemons[0].connections().every((c) => c.openForwards === 0)).toBe(true);
      }
    } finally {
      logs.stop();
    }
  }, 60_000);
});
