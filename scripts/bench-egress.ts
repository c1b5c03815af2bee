// The egress part of `npm run bench`: what the apiserver → kubelet hop costs streams when it crosses a Konnectivity
// server and agent, or an SSH tunnel, instead of a direct dial. Port-forward throughput and exec round trips are
// measured exactly as the streaming rows measure them (kubectl 1.32 port-forward, client-node Exec), on a fresh
// one-node cluster per egress. Pod addresses are fixed per node, so the clusters cannot run side by side: a round
// starts and measures direct, konnectivity and ssh one after another, and the rounds repeat, so each ratio is the
// median of ratios taken a few seconds apart rather than of figures taken minutes apart.
// Runnable alone: `npx tsx scripts/bench-egress.ts`.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { startCluster, type Cluster, type EgressMode } from '@hubspoke/lab';
import { createPod, waitRunning } from '../test/support/pods.ts';
import { echoThroughput, execLatency, kubectlPortForward, percentile, tcp, type BenchRow } from './bench-streams.ts';
import { median } from './bench-support.ts';

const MiB = 1024 * 1024;
const PF_BYTES = Number(process.env.BENCH_EGRESS_PF_MIB ?? 64) * MiB;
const ROUNDS = Number(process.env.BENCH_EGRESS_ROUNDS ?? 5);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 1000); // read by execLatency; here for the labels
const MODES: readonly EgressMode[] = ['direct', 'konnectivity', 'ssh'];

/** One egress's figures from one round. */
interface Sample {
  /** Port-forward echo throughput, MiB/s. */
  forward: number;
  /** Exec round trip, ms. */
  p50: number;
  p99: number;
}

/** Streams open inside this egress's tunnel right now; for direct, 1 when no tunnel exists at all. */
function openThroughEgress(cluster: Cluster, mode: EgressMode): number {
  switch (mode) {
    case 'direct':
      return cluster.konnectivity || cluster.ssh ? 0 : 1;
    case 'konnectivity':
      return cluster.konnectivity?.agents[0]?.openConnections ?? 0;
    case 'ssh':
      return (cluster.ssh?.daemons[0]?.connections() ?? []).reduce((n, c) => n + c.openForwards, 0);
  }
}

async function measure(mode: EgressMode): Promise<Sample> {
  const cluster = await startCluster({ nodes: 1, egress: mode });
  let forwarder: Awaited<ReturnType<typeof kubectlPortForward>> | undefined;
  try {
    await createPod(cluster, 'echo', { image: 'hubspoke/echo', ports: [{ containerPort: 9000 }] });
    await createPod(cluster, 'shell', { image: 'hubspoke/shell', command: ['sh', '-c', 'sleep 100000'] });
    await Promise.all(['echo', 'shell'].map((p) => waitRunning(cluster, p)));

    forwarder = await kubectlPortForward(cluster, ':9000');
    const local = tcp('127.0.0.1', forwarder.port);
    await echoThroughput(local, 8 * MiB); // warm-up: JIT, socket buffers, the tunnel's windows
    const forward = await echoThroughput(local, PF_BYTES);
    // The figure must be of that path: kubectl's stream to the kubelet is still open, so it must be in the tunnel.
    if (openThroughEgress(cluster, mode) === 0) throw new Error(`egress ${mode}: the port-forward stream did not take that path`);

    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.adminKubeconfig);
    const rtt = await execLatency(kc);
    return { forward, p50: percentile(rtt, 0.5), p99: percentile(rtt, 0.99) };
  } finally {
    forwarder?.child.kill();
    await cluster.close();
  }
}

/** Port-forward and exec figures over each egress, with ratios to direct; rows for the bench table. */
export async function benchEgress(): Promise<BenchRow[]> {
  const samples = new Map<EgressMode, Sample[]>(MODES.map((m) => [m, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) samples.get(mode)!.push(await measure(mode));
  }

  const direct = samples.get('direct')!;
  const mid = (mode: EgressMode, key: keyof Sample) => median(samples.get(mode)!.map((s) => s[key]));
  const ratios = (mode: EgressMode, key: keyof Sample) => samples.get(mode)!.map((s, round) => s[key] / direct[round][key]);
  const ratio = (mode: EgressMode, key: keyof Sample) => median(ratios(mode, key));
  const byRound = (mode: EgressMode, key: keyof Sample) => ratios(mode, key).map((r) => r.toFixed(2)).join(' ');
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const size = `${PF_BYTES / MiB} MiB each way`;
  const over = (mode: EgressMode) =>
    mode === 'direct' ? 'direct' : mode === 'konnectivity' ? 'Konnectivity (UDS → server → agent)' : 'SSH tunnel';
  const runs = `median of ${ROUNDS}`;

  const rows: BenchRow[] = [];
  for (const mode of MODES) {
    rows.push([
      `kubectl 1.32 port-forward, apiserver → kubelet ${over(mode)}, ${size} (${runs})`,
      `${mid(mode, 'forward').toFixed(0)} MiB/s`,
      mode === 'direct' ? '1.00 (baseline of the egress rows)' : `${ratio(mode, 'forward').toFixed(2)} × direct (round by round: ${byRound(mode, 'forward')})`,
    ]);
  }
  for (const mode of MODES) {
    rows.push([
      `client-node Exec \`sh\` read/echo round trip, apiserver → kubelet ${over(mode)} (${ROUND_TRIPS}×, ${runs})`,
      `p50 ${ms(mid(mode, 'p50'))}, p99 ${ms(mid(mode, 'p99'))}`,
      mode === 'direct'
        ? '1.00 (baseline of the egress rows)'
        : `p50 ${ratio(mode, 'p50').toFixed(2)} ×, p99 ${ratio(mode, 'p99').toFixed(2)} × direct (p50 round by round: ${byRound(mode, 'p50')})`,
    ]);
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const t0 = performance.now();
  const rows = await benchEgress();
  console.log(`hubspoke bench (egress), ${new Date().toISOString().slice(0, 10)}, ${ROUNDS} rounds, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  console.log('| measurement | figure | ratio |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}
