// `hubspoke matrix`: every combination of the flags that matter, each attack of the catalogue tried for real
// and held against the audit's prediction. Cluster-level combinations each get a cluster (and their own three
// hosts), run a few at a time on distinct address blocks; kubelet-level combinations are kubelets side by side
// in each cluster.
import { ATTACKS } from '@hubspoke/attacker';
import { runCluster } from './cluster-run.ts';
import { combinationId, DIMENSIONS, planMatrix, type Dimension, type MatrixFilter } from './dimensions.ts';
import { netnsUnavailable } from './netns.ts';
import { reportDimensions, type CombinationResult, type MatrixReport } from './report.ts';
import { MAX_NODES } from './topology.ts';

/** What runMatrix reports as it goes. */
export type MatrixEvent =
  | { kind: 'planned'; clusters: number; combinations: number }
  | { kind: 'stage'; cluster: string; stage: string }
  | { kind: 'cluster-done'; cluster: string; results: CombinationResult[]; durationMs: number };

/** How to run the matrix. */
export interface MatrixOptions {
  /** Values to keep per dimension (see parseFilter); default everything. */
  filter?: MatrixFilter;
  /** Clusters at a time (default 2). */
  parallel?: number;
  /** The dimensions (default DIMENSIONS): a caller may add its own. */
  dimensions?: readonly Dimension[];
  onEvent?: (event: MatrixEvent) => void;
}

/** The matrix cannot run here (not root, no iproute2, an impossible plan). */
export class MatrixUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatrixUnavailableError';
  }
}

/** Run every combination the filter keeps; resolves with the report (disagreements are in it, not thrown). */
export async function runMatrix(options: MatrixOptions = {}): Promise<MatrixReport> {
  const unavailable = netnsUnavailable();
  if (unavailable) throw new MatrixUnavailableError(`hubspoke matrix puts the control plane, the attacker and the nodes on separate hosts: ${unavailable}`);
  const dimensions = options.dimensions ?? DIMENSIONS;
  const plan = planMatrix(options.filter, dimensions);
  if (plan.kubelets.length > MAX_NODES) throw new MatrixUnavailableError(`${plan.kubelets.length} kubelet combinations per cluster: at most ${MAX_NODES}`);
  const parallel = Math.max(1, Math.floor(options.parallel ?? 2));
  const emit = options.onEvent ?? (() => {});
  const started = Date.now();
  emit({ kind: 'planned', clusters: plan.clusters.length, combinations: plan.clusters.length * plan.kubelets.length });

  const results: CombinationResult[][] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.clusters.length) {
      const index = next++;
      const cluster = plan.clusters[index];
      const id = combinationId(cluster, dimensions);
      const t0 = Date.now();
      results[index] = await runCluster({ cluster, kubelets: plan.kubelets, dimensions, onStage: (stage) => emit({ kind: 'stage', cluster: id, stage }) });
      emit({ kind: 'cluster-done', cluster: id, results: results[index], durationMs: Date.now() - t0 });
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, plan.clusters.length) }, worker));

  const combinations = results.flat();
  return {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    clusters: plan.clusters.length,
    parallel,
    dimensions: reportDimensions(dimensions),
    attacks: [...ATTACKS],
    combinations,
    disagreements: combinations.reduce((n, c) => n + (c.error ? 1 : c.attacks.filter((a) => !a.agree).length), 0),
  };
}
