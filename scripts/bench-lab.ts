// The lab-as-a-product part of `npm run bench`: how long `hubspoke up` takes a person from the command to a lab
// that answers kubectl (Ready nodes, demo pods created), against the in-process startCluster it is built on; and
// the full flag matrix's wall time and size, per combination against one in-process cluster start.
// Runnable alone: `npx tsx scripts/bench-lab.ts`.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runMatrix, startCluster } from '@hubspoke/lab';
import type { BenchRow } from './bench-streams.ts';
import { median } from './bench-support.ts';

const RUNS = Number(process.env.BENCH_LAB_RUNS ?? 3);
const BIN = resolve(import.meta.dirname, '../node_modules/.bin/hubspoke');

/** Milliseconds from spawning `hubspoke up` to its summary (everything Ready), then Ctrl-C. */
async function upToReady(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-up-'));
  const t0 = performance.now();
  // Free ports: the bench must not collide with a lab a person runs on the default ones.
  const child = spawn(BIN, ['up', `--dir=${dir}`, '--port=0', '--kubelet-port=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  try {
    await new Promise<void>((done, fail) => {
      child.stdout!.on('data', () => out.includes('Ctrl-C stops the lab.') && done());
      child.once('exit', (code) => fail(new Error(`hubspoke up exited ${code}:\n${out}`)));
    });
    return performance.now() - t0;
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
    await rm(dir, { recursive: true, force: true });
  }
}

/** The rows: `hubspoke up` to Ready against startCluster, and the matrix. */
export async function benchLab(): Promise<BenchRow[]> {
  const inProcess: number[] = [];
  const up: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const c = await startCluster({ nodes: 2 });
    inProcess.push(performance.now() - t0);
    await c.close();
    up.push(await upToReady());
  }
  const base = median(inProcess);
  const upMs = median(up);
  const rows: BenchRow[] = [
    ['baseline: in-process startCluster, 2 Ready nodes (same runs)', `${base.toFixed(0)} ms (median of ${RUNS})`, '1.00'],
    ['`hubspoke up` from the command to its summary (PKI, apiserver, 2 Ready nodes, kube-proxy, demo pods)', `${upMs.toFixed(0)} ms (median of ${RUNS})`, `${(upMs / base).toFixed(1)} × in-process`],
  ];
  if (process.getuid?.() !== 0) {
    rows.push(['`hubspoke matrix` (all combinations)', 'not measured: needs root for network namespaces', '—']);
    return rows;
  }
  const report = await runMatrix({});
  const perCombination = report.durationMs / report.combinations.length;
  rows.push([
    `\`hubspoke matrix\`: ${report.combinations.length} combinations × ${report.attacks.length} attacks on ${report.clusters} clusters across network namespaces, ${report.parallel} at a time`,
    `${(report.durationMs / 1000).toFixed(0)} s wall time (${perCombination.toFixed(0)} ms a combination); ${report.disagreements} disagreements`,
    `${(perCombination / base).toFixed(1)} × one in-process cluster start, per combination`,
  ]);
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const r of await benchLab()) console.log(`| ${r.join(' | ')} |`);
}
