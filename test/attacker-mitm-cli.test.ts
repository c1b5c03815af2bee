// `hubspoke-attacker mitm` as a person runs it: on the address node-1 advertises, it prints the log text and the
// exec output it relays, types into a live session from its own stdin, saves every connection as JSON, and
// against an apiserver with --kubelet-certificate-authority it only reports the refused handshakes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl, kubectlSpawn } from './support/kubectl.ts';
import { freePortOn } from './support/net.ts';
import { createPod, waitRunning } from './support/pods.ts';

const BIN = resolve(import.meta.dirname, '../packages/attacker/bin/hubspoke-attacker.js');
const BIND = '127.0.43.1';
const ADVERTISED = '127.0.67.1';
const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** node-1 binds BIND and advertises ADVERTISED; the attacker's process listens there. */
async function intercepted(opts: { verifyKubelets: boolean }): Promise<{ cluster: Cluster; attacker: ChildProcess; out: () => string; output: string; stopAttacker: () => Promise<void> }> {
  const port = await freePortOn([BIND, ADVERTISED]);
  const dir = await mkdtemp(join(tmpdir(), 'mitm-cli-'));
  open.push({ close: () => rm(dir, { recursive: true, force: true }) });
  const output = join(dir, 'captures.jsonl');
  const attacker = spawn(process.execPath, [BIN, 'mitm', `--listen=${ADVERTISED}:${port}`, `--upstream=${BIND}:${port}`, `--output=${output}`, '--inject-stdin'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  attacker.stdout!.on('data', (d: Buffer) => (out += d));
  attacker.stderr!.on('data', (d: Buffer) => (out += d));
  const stopAttacker = async (): Promise<void> => {
    if (attacker.exitCode !== null) return;
    const exited = new Promise((r) => attacker.once('exit', r));
    attacker.kill('SIGTERM');
    await exited;
  };
  open.push({ close: stopAttacker });
  await waitFor(() => out.includes('intercepting on'), { timeoutMs: 15_000, what: `the attacker to listen; output: ${out}` });
  const cluster = await startCluster({
    nodes: 1,
    nodeAddressPrefix: '127.0.43',
    kubeletPort: port,
    kubelet: () => ({ nodeIP: ADVERTISED }),
    ...(opts.verifyKubelets ? { verifyKubelets: true, kubeletServingCerts: 'cluster-ca' as const } : {}),
  });
  open.push(cluster);
  await createPod(cluster, 'chatty', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] });
  await createPod(cluster, 'talk', { image: 'hubspoke/shell', stdin: true });
  await Promise.all(['chatty', 'talk'].map((p) => waitRunning(cluster, p)));
  return { cluster, attacker, out: () => out, output, stopAttacker };
}

describe('hubspoke-attacker mitm', () => {
  it('prints the log text and exec output it relays, injects typed lines, and saves each connection', async () => {
    const { cluster, attacker, out, output, stopAttacker } = await intercepted({ verifyKubelets: false });
    const kubeconfig = cluster.adminKubeconfig;
    const logs = await kubectl(['logs', 'chatty', '--tail=2'], { kubeconfig });
    expect(logs.code).toBe(0);
    const lastLine = logs.stdout.trim().split('\n').at(-1)!;
    await waitFor(() => out().includes(`    ${lastLine}\n`), { timeoutMs: 5_000, what: `the log line in the attacker's output:\n${out()}` });
    expect(out()).toMatch(/\[capture \d+\] 127\.0\.0\.1:\d+ → GET \/containerLogs\/default\/chatty\/chatty\?tailLines=2/);

    const exec = await kubectl(['exec', 'talk', '--', 'sh', '-c', 'echo the-secret-is-42'], { kubeconfig });
    expect(exec.stdout).toBe('the-secret-is-42\n');
    await waitFor(() => out().includes('stdout> the-secret-is-42\n'), { timeoutMs: 5_000, what: `the exec output in the attacker's output:\n${out()}` });

    // A user's interactive session: what the attacker types arrives in the shell as the user's own input.
    const session = await kubectlSpawn(['attach', '-i', 'talk'], { kubeconfig, version: '1.32' });
    let seen = '';
    session.stdout!.on('data', (d: Buffer) => (seen += d));
    try {
      await waitFor(() => {
        session.stdin!.write('echo user-was-here\n');
        return seen.includes('user-was-here');
      }, { timeoutMs: 10_000, intervalMs: 300, what: 'the attached shell to answer' });
      attacker.stdin!.write('echo attacker-was-here\n');
      await waitFor(() => seen.includes('attacker-was-here'), { timeoutMs: 10_000, what: `the injected line in the user's session; attacker said:\n${out()}` });
      expect(out()).toMatch(/\[injected into capture \d+\] echo attacker-was-here/);
    } finally {
      session.kill();
    }

    await stopAttacker(); // it saves the connections still open when it exits
    const saved = (await readFile(output, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { exchanges: { request: { target: string }; response?: { body: string }; stream?: { messages: { channel?: number; text: string }[] } }[] });
    const logExchange = saved.flatMap((c) => c.exchanges).find((x) => x.request.target.startsWith('/containerLogs/default/chatty/chatty'));
    expect(logExchange?.response?.body).toBe(logs.stdout);
    const execText = saved.flatMap((c) => c.exchanges).flatMap((x) => x.stream?.messages ?? []).filter((m) => m.channel === 1).map((m) => m.text).join('');
    expect(execText).toContain('the-secret-is-42');
  }, 60_000);

  it('gets nothing but refused handshakes from an apiserver that verifies kubelets', async () => {
    const { cluster, out } = await intercepted({ verifyKubelets: true });
    const logs = await kubectl(['logs', 'chatty'], { kubeconfig: cluster.adminKubeconfig });
    expect(logs.stderr).toContain('x509: certificate signed by unknown authority');
    await waitFor(() => out().includes('[refused] '), { timeoutMs: 5_000, what: `a refused handshake in the attacker's output:\n${out()}` });
    expect(out()).not.toMatch(/\[capture \d+\]/);
  }, 60_000);
});
