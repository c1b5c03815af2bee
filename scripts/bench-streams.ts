// The streaming half of `npm run bench`: port-forward throughput, exec round-trip latency, `logs -f`
// throughput and memory under a slow reader, each through apiserver → kubelet → pod and each with a baseline
// that does the same work without the chain, measured in the same run.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { podLogDir } from '@hubspoke/kubelet';
import { createCA, issueCertificate } from '@hubspoke/pki';
import { kubectlPortForward as portForward, kubectlSpawn, type PortForward } from '../test/support/kubectl.ts';
import { createPod, waitRunning } from '../test/support/pods.ts';

const MiB = 1024 * 1024;
const PF_BYTES = Number(process.env.BENCH_PF_MIB ?? 128) * MiB;
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 1000);
const LOG_LINES = Number(process.env.BENCH_LOG_LINES ?? 1_000_000);
const SLOW_READER_SECONDS = Number(process.env.BENCH_SLOW_READER_SECONDS ?? 30);
// 64 MiB: well above GC slack and the chain's fixed buffers (a few 64 KiB socket/stream buffers per hop), yet
// a small fraction of what 30 s of unread fast output would pile up if any hop ignored backpressure.
const RSS_LIMIT = 64 * MiB;
const DONE = 'bench-done';

/** One table row: what was measured, the figure, and its ratio against the baseline. */
export type BenchRow = [measurement: string, figure: string, ratio: string];

const mbps = (bytes: number, ms: number): number => bytes / MiB / (ms / 1000);
/** The value at fraction `p` of an ascending list (p = 0.99: the 99th percentile). */
export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** Send `size` bytes through an echo connection, half-close, and time until all came back intact; MiB/s. */
export async function echoThroughput(open: () => Promise<Socket>, size: number): Promise<number> {
  const block = randomBytes(MiB);
  const expected = createHash('sha256');
  for (let sent = 0; sent < size; sent += block.length) expected.update(block);
  const want = expected.digest('hex');
  const t0 = performance.now();
  const sock = await open();
  const got = createHash('sha256');
  let received = 0;
  const done = new Promise<void>((resolve, reject) => {
    sock.on('data', (chunk: Buffer) => {
      got.update(chunk);
      received += chunk.length;
      if (received >= size) resolve();
    });
    sock.on('error', reject);
    sock.on('close', () => (received >= size ? resolve() : reject(new Error(`closed after ${received} of ${size} bytes`))));
  });
  for (let sent = 0; sent < size; sent += block.length) {
    if (!sock.write(block)) await new Promise((r) => sock.once('drain', r));
  }
  sock.end();
  await done;
  const ms = performance.now() - t0;
  sock.destroy();
  if (got.digest('hex') !== want) throw new Error('echoed bytes differ from what was sent');
  return mbps(size, ms);
}

/** A connector for plain TCP to host:port, half-open allowed (what echoThroughput needs to half-close). */
export function tcp(host: string, port: number): () => Promise<Socket> {
  return () =>
    new Promise((resolve, reject) => {
      const s = netConnect({ host, port, allowHalfOpen: true }, () => resolve(s));
      s.once('error', reject);
    });
}

/** A one-hop TLS relay to host:port, the least a proxy in the path could cost. */
async function tlsRelay(host: string, port: number) {
  const ca = await createCA({ commonName: 'bench-relay' });
  const leaf = await issueCertificate({ ca, commonName: 'localhost', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const server = createTlsServer({ key: leaf.key, cert: leaf.cert, allowHalfOpen: true }, (front) => {
    const back = netConnect({ host, port, allowHalfOpen: true });
    front.on('error', () => back.destroy());
    back.on('error', () => front.destroy());
    front.pipe(back);
    back.pipe(front);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const relayPort = (server.address() as AddressInfo).port;
  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: relayPort, ca: ca.cert }, () => resolve(s));
      s.once('error', reject);
    });
  return { open, close: () => server.close() };
}

/** `kubectl 1.32 port-forward pod/echo <target>` started and listening; its local port, and the child to kill. */
export function kubectlPortForward(cluster: Cluster, target: string): Promise<PortForward> {
  return portForward('pod/echo', target, { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
}

/** Time `count` line round trips over one duplex connection after a warm-up; sorted milliseconds. */
async function roundTrips(send: (line: string) => void, lines: AsyncIterator<string>, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = -50; i < count; i++) {
    const line = `ping-${i}`;
    const t0 = performance.now();
    send(`${line}\n`);
    const { value } = await lines.next();
    if (value !== line) throw new Error(`round trip ${i}: expected ${line}, got ${value}`);
    if (i >= 0) times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

/** Whole lines from chunks, as an async iterator fed by `push`. */
function lineQueue(): { push: (chunk: Buffer) => void; lines: AsyncIterator<string> } {
  let partial = '';
  const ready: string[] = [];
  let wake: (() => void) | undefined;
  return {
    push(chunk) {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop()!;
      ready.push(...parts);
      wake?.();
    },
    lines: {
      async next() {
        while (ready.length === 0) await new Promise<void>((r) => (wake = r));
        return { value: ready.shift()!, done: false };
      },
    },
  };
}

/** Line round trips (BENCH_ROUND_TRIPS) through `sh` read/echo in pod `shell` over one client-node Exec session; sorted ms. */
export async function execLatency(kc: k8s.KubeConfig): Promise<number[]> {
  const q = lineQueue();
  const stdin = new PassThrough();
  const stdout = new Writable({
    write(chunk: Buffer, _enc, cb) {
      q.push(chunk);
      cb();
    },
  });
  const ws = await new k8s.Exec(kc).exec('default', 'shell', 'shell', ['sh', '-c', 'while read l; do echo "$l"; done'], stdout, null, stdin, false);
  try {
    return await roundTrips((l) => stdin.write(l), q.lines, ROUND_TRIPS);
  } finally {
    stdin.end();
    ws.close();
  }
}

async function tcpLatency(podIP: string): Promise<number[]> {
  const q = lineQueue();
  const sock = await tcp(podIP, 9000)();
  sock.setNoDelay(true);
  sock.on('data', q.push);
  try {
    return await roundTrips((l) => sock.write(l), q.lines, ROUND_TRIPS);
  } finally {
    sock.destroy();
  }
}

/** Content bytes of CRI records (`<time> <stream> <tag> <content>`) read from `input` up to the DONE line; MiB/s from the first byte. */
async function contentRate(input: NodeJS.ReadableStream, stripCri: boolean): Promise<{ rate: number; bytes: number }> {
  let t0 = 0;
  let bytes = 0;
  let partial = '';
  for await (const chunk of input) {
    if (t0 === 0) t0 = performance.now();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const content = stripCri ? line.slice(nthSpace(line, 3) + 1) : line;
      bytes += content.length + 1;
      if (content === DONE) return { rate: mbps(bytes, performance.now() - t0), bytes };
    }
  }
  throw new Error(`stream ended before ${DONE}`);
}

function nthSpace(line: string, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) at = line.indexOf(' ', at + 1);
  return at;
}

async function logsFollow(cluster: Cluster): Promise<{ follower: number; direct: number; bytes: number }> {
  const pod = await cluster.admin.get('/api/v1/namespaces/default/pods/writer');
  const logFile = join(podLogDir(join(cluster.dir, 'nodes', 'node-1', 'root'), pod), 'writer', '0.log');
  await waitFor(async () => (await readFile(logFile)).subarray(-200).toString().includes(`${DONE}\n`), {
    timeoutMs: 60_000,
    intervalMs: 200,
    what: `${LOG_LINES} lines in ${logFile}`,
  });
  const direct = await contentRate(createReadStream(logFile), true);
  const child = await kubectlSpawn(['logs', '-f', 'writer'], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
  try {
    const followed = await contentRate(child.stdout!, false);
    if (followed.bytes !== direct.bytes) throw new Error(`follower got ${followed.bytes} bytes, the file holds ${direct.bytes}`);
    return { follower: followed.rate, direct: direct.rate, bytes: direct.bytes };
  } finally {
    child.kill();
  }
}

function execYes(cluster: Cluster): Promise<ChildProcess> {
  return kubectlSpawn(['exec', 'shell', '--', 'yes', 'hubspoke-slow-reader-bench'], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
}

/** `kubectl exec … yes` read as fast as possible for 2 s, then read at 1% of that rate; peak process RSS growth. */
async function slowReader(cluster: Cluster) {
  const fast = await execYes(cluster);
  let fastBytes = 0;
  let t0 = 0;
  fast.stdout!.on('data', (d: Buffer) => {
    if (t0 === 0) t0 = performance.now();
    fastBytes += d.length;
  });
  await waitFor(() => t0 > 0 && performance.now() - t0 > 2000, { timeoutMs: 20_000, intervalMs: 50, what: '2 s of yes' });
  const fastRate = fastBytes / ((performance.now() - t0) / 1000);
  fast.kill();
  await new Promise((r) => setTimeout(r, 1000));

  let baseline = 0;
  for (let i = 0; i < 10; i++) {
    baseline = Math.max(baseline, process.memoryUsage.rss());
    await new Promise((r) => setTimeout(r, 100));
  }
  const slow = await execYes(cluster);
  const out = slow.stdout!;
  const perTick = Math.max(1, Math.round(fastRate * 0.01 * 0.1));
  let peak = baseline;
  let slowBytes = 0;
  const end = performance.now() + SLOW_READER_SECONDS * 1000;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    for (let budget = perTick; budget > 0; ) {
      const chunk = out.read(Math.min(budget, out.readableLength || budget)) as Buffer | null;
      if (!chunk) break;
      budget -= chunk.length;
      slowBytes += chunk.length;
    }
    peak = Math.max(peak, process.memoryUsage.rss());
  }
  slow.kill();
  if (slowBytes === 0) throw new Error('the slow reader received nothing');
  return { fastRate, slowRate: slowBytes / SLOW_READER_SECONDS, baseline, growth: peak - baseline };
}

/** Run every streaming measurement on a fresh one-node cluster; rows for the bench table. */
export async function benchStreams(): Promise<BenchRow[]> {
  const cluster = await startCluster({ nodes: 1 });
  const closers: (() => unknown)[] = [];
  try {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.adminKubeconfig);
    await createPod(cluster, 'echo', { image: 'hubspoke/echo', ports: [{ containerPort: 9000 }, { containerPort: 9001 }] });
    await createPod(cluster, 'shell', { image: 'hubspoke/shell', command: ['sh', '-c', 'sleep 100000'] });
    await createPod(cluster, 'writer', { image: 'hubspoke/shell', command: ['sh', '-c', `seq 1 ${LOG_LINES}; echo ${DONE}; sleep 100000`] });
    await Promise.all(['echo', 'shell', 'writer'].map((p) => waitRunning(cluster, p)));
    const echoPod = await cluster.admin.get('/api/v1/namespaces/default/pods/echo');
    const podIP = (echoPod.status as { podIP: string }).podIP;

    // Port-forward: the same echo of PF_BYTES straight to the pod, through one TLS relay, and through kubectl.
    const relay = await tlsRelay(podIP, 9000);
    closers.push(relay.close);
    const pf = await kubectlPortForward(cluster, ':9000');
    closers.push(() => pf.child.kill());
    await echoThroughput(tcp(podIP, 9000), 8 * MiB);
    const direct = await echoThroughput(tcp(podIP, 9000), PF_BYTES);
    await echoThroughput(relay.open, 8 * MiB);
    const relayed = await echoThroughput(relay.open, PF_BYTES);
    await echoThroughput(tcp('127.0.0.1', pf.port), 8 * MiB);
    const forwarded = await echoThroughput(tcp('127.0.0.1', pf.port), PF_BYTES);

    const tcpRtt = await tcpLatency(podIP);
    const execRtt = await execLatency(kc);
    const logs = await logsFollow(cluster);
    const memory = await slowReader(cluster);

    const mb = (x: number) => `${x.toFixed(0)} MiB/s`;
    const ms = (x: number) => `${x.toFixed(2)} ms`;
    const p = (xs: number[]) => [percentile(xs, 0.5), percentile(xs, 0.99)];
    const [tcp50, tcp99] = p(tcpRtt);
    const [exec50, exec99] = p(execRtt);
    const size = `${PF_BYTES / MiB} MiB each way`;
    return [
      [`baseline: direct TCP to the echo pod, ${size}`, mb(direct), '1.00'],
      [`baseline: one Node TLS relay → echo pod, ${size}`, mb(relayed), `${(relayed / direct).toFixed(2)} × direct TCP`],
      [`kubectl 1.32 port-forward → apiserver → kubelet → echo pod, ${size}`, mb(forwarded), `${(forwarded / direct).toFixed(2)} × direct TCP, ${(forwarded / relayed).toFixed(2)} × TLS relay`],
      [`baseline: line round trip over direct TCP to the echo pod (${ROUND_TRIPS}×)`, `p50 ${ms(tcp50)}, p99 ${ms(tcp99)}`, '1.00'],
      [`client-node Exec \`sh\` read/echo round trip over one session (${ROUND_TRIPS}×)`, `p50 ${ms(exec50)}, p99 ${ms(exec99)}`, `p50 ${(exec50 / tcp50).toFixed(1)} ×, p99 ${(exec99 / tcp99).toFixed(1)} × baseline`],
      [`baseline: read the CRI log file directly (${(logs.bytes / MiB).toFixed(1)} MiB of content)`, mb(logs.direct), '1.00'],
      ['kubectl 1.32 `logs -f` → apiserver → kubelet, same content', mb(logs.follower), `${(logs.follower / logs.direct).toFixed(2)} × baseline`],
      ['baseline: process RSS before the slow reader', `${(memory.baseline / MiB).toFixed(0)} MiB`, '—'],
      [
        `slow reader: \`kubectl exec … yes\` (${mb(memory.fastRate / MiB)} unthrottled) read at ${(memory.slowRate / 1024).toFixed(0)} KiB/s for ${SLOW_READER_SECONDS} s`,
        `peak RSS +${(memory.growth / MiB).toFixed(1)} MiB`,
        `${memory.growth < RSS_LIMIT ? 'bounded' : 'NOT bounded'} (limit ${RSS_LIMIT / MiB} MiB; unthrottled output in that time: ${((memory.fastRate * SLOW_READER_SECONDS) / MiB).toFixed(0)} MiB)`,
      ],
    ];
  } finally {
    for (const close of closers) close();
    await cluster.close();
  }
}
