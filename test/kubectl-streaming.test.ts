// Apiserver → kubelet with every real client: kubectl 1.22 (SPDY only) through 1.33 (WebSockets, and
// SPDY-in-WebSocket for port-forward). logs, exec, attach and port-forward through the apiserver's
// upgrade-aware proxy to the kubelet's streaming server, with checksums on bulk data.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl, kubectlPortForward, kubectlSpawn, type KubectlVersion } from './support/kubectl.ts';
import { roundTrip } from './support/net.ts';
import { createPod, waitRunning } from './support/pods.ts';

let cluster: Cluster;
const VERSIONS: KubectlVersion[] = ['1.22', '1.27', '1.29', '1.30', '1.31', '1.32', '1.33'];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1, kubelet: { crashLoopBackoff: { initialMs: 200, maxMs: 1000 } } });
  await createPod(cluster, 'chatty', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] });
  await createPod(cluster, 'echo', { image: 'hubspoke/echo', ports: [{ containerPort: 9000 }, { containerPort: 9001 }] });
  await createPod(cluster, 'talk', { image: 'hubspoke/shell', stdin: true });
  // A log that is complete, so --tail and --limit-bytes have one right answer.
  await createPod(cluster, 'counted', { image: 'hubspoke/shell', command: ['sh', '-c', 'seq 1 10; sleep 100000'] });
  await createPod(cluster, 'crasher', { image: 'hubspoke/exit', env: [{ name: 'EXIT_CODE', value: '1' }, { name: 'DELAY_MS', value: '100' }] });
  await Promise.all(['chatty', 'echo', 'talk', 'counted'].map((p) => waitRunning(cluster, p)));
  await waitFor(async () => {
    const pod = await cluster.admin.get('/api/v1/namespaces/default/pods/crasher');
    return ((pod.status as { containerStatuses?: { restartCount: number }[] }).containerStatuses?.[0]?.restartCount ?? 0) >= 1;
  }, { timeoutMs: 20_000, what: 'crasher restarted' });
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

function portForward(version: KubectlVersion, target: string, env: Record<string, string> = {}) {
  return kubectlPortForward('pod/echo', target, { kubeconfig: cluster.adminKubeconfig, version, env });
}

describe.each(VERSIONS)('kubectl %s', (version) => {
  const k = (args: string[], input?: string, env?: Record<string, string>) =>
    kubectl(args, { kubeconfig: cluster.adminKubeconfig, version, input, env });

  it('reads logs with --tail, --timestamps, --limit-bytes and --since', async () => {
    const tail = await k(['logs', 'counted', '--tail=2']);
    expect(tail).toEqual({ code: 0, stdout: '9\n10\n', stderr: '' });
    const ts = await k(['logs', 'chatty', '--tail=1', '--timestamps']);
    expect(ts.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \d+ /);
    const limited = await k(['logs', 'counted', '--limit-bytes=5']);
    expect(limited.stdout).toBe('1\n2\n3');
    const since = await k(['logs', 'chatty', '--since=1h', '--tail=1']);
    expect(since.stdout).toMatch(/hello from chatty/);
  });

  it('follows logs with -f', async () => {
    const child = await kubectlSpawn(['logs', '-f', 'chatty', '--tail=0'], { kubeconfig: cluster.adminKubeconfig, version });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    try {
      await waitFor(() => out.split('\n').filter(Boolean).length >= 3, { timeoutMs: 10_000, what: 'three followed lines' });
    } finally {
      child.kill();
    }
  });

  it('reads the previous instance with -p after a restart', async () => {
    const r = await k(['logs', 'crasher', '-p']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/exit/i);
  });

  it('returns the exit code of exec and pipes stdin to EOF', async () => {
    const ok = await k(['exec', 'chatty', '--', 'echo', 'hi']);
    expect(ok).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
    const fail = await k(['exec', 'chatty', '--', 'sh', '-c', 'exit 3']);
    expect(fail.code).toBe(3);
    expect(fail.stderr.trim()).toBe('command terminated with exit code 3');
    const input = randomBytes(256 * 1024).toString('base64');
    const hashed = await k(['exec', '-i', 'chatty', '--', 'sha256sum'], input);
    expect(hashed.stdout.split(/\s+/)[0]).toBe(createHash('sha256').update(input).digest('hex'));
  });

  it('attaches to an interactive container with -i', async () => {
    const child = await kubectlSpawn(['attach', '-i', 'talk'], { kubeconfig: cluster.adminKubeconfig, version });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    try {
      const token = `attached-${version}`;
      await waitFor(() => {
        child.stdin!.write(`echo ${token}\n`);
        return out.includes(token);
      }, { timeoutMs: 10_000, intervalMs: 300, what: 'the echoed line through attach' });
    } finally {
      child.kill();
    }
  });

  it('port-forwards several connections with intact bytes', async () => {
    const pf = await portForward(version, ':9000');
    try {
      const size = 64 * 1024 * 1024;
      const big = await roundTrip(pf.port, size);
      expect(big.received).toBe(big.sent);
      const parallel = await Promise.all([1, 2, 3].map(() => roundTrip(pf.port, 512 * 1024)));
      for (const p of parallel) expect(p.received).toBe(p.sent);
    } finally {
      pf.child.kill();
    }
  }, 120_000);
});

describe('kubectl 1.33 port-forward transports', () => {
  it.each([
    ['SPDY inside WebSocket (default)', {}],
    ['plain SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
  ])('carries 64 MiB each way over %s', async (_name, env) => {
    const pf = await portForward('1.33', ':9000', env as Record<string, string>);
    try {
      const r = await roundTrip(pf.port, 64 * 1024 * 1024);
      expect(r.received).toBe(r.sent);
    } finally {
      pf.child.kill();
    }
  }, 120_000);

  it('runs exec over SPDY when WebSockets are turned off', async () => {
    const r = await kubectl(['exec', 'chatty', '--', 'sh', '-c', 'echo spdy; exit 4'], {
      kubeconfig: cluster.adminKubeconfig,
      version: '1.33',
      env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' },
    });
    expect(r.stdout).toBe('spdy\n');
    expect(r.code).toBe(4);
  });
});
