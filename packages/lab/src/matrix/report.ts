// The matrix's findings: for every combination, each attack's predicted and measured outcome and the evidence
// of the measurement (status codes, captured bytes). The writers (Markdown, HTML, JSON) read only this.
import type { AttackId, AttackInfo, AttackOutcome } from '@hubspoke/attacker';
import type { Combination, Dimension } from './dimensions.ts';

/** What was seen when an attack was tried: a sentence, the status codes involved, the first bytes captured. */
export interface Evidence {
  summary: string;
  /** HTTP statuses in the order the summary mentions them (null: no answer). */
  statuses: (number | null)[];
  /** The first bytes the attacker (or, for impersonation, the user) got, as text. */
  bytes?: string;
}

/** One attack on one combination. */
export interface AttackResult {
  attack: AttackId;
  predicted: AttackOutcome;
  measured: AttackOutcome;
  agree: boolean;
  /** The audit's reason and the controls or facts that decided it. */
  prediction: { reason: string; because: string[] };
  evidence: Evidence;
}

/** One combination: a kubelet (`node`) in the cluster its cluster-level values made. */
export interface CombinationResult {
  /** `dimension=value,…` (see combinationId). */
  id: string;
  combination: Combination;
  /** The cluster-level part of `id`: combinations that shared a cluster share it. */
  cluster: string;
  node: string;
  attacks: AttackResult[];
  /** Set when the combination could not be measured (its cluster failed to start, …). */
  error?: string;
}

/** A dimension as reports show it. */
export interface ReportDimension {
  id: string;
  level: Dimension['level'];
  title: string;
  values: { id: string; label: string }[];
}

/** The whole run. */
export interface MatrixReport {
  startedAt: string;
  durationMs: number;
  /** Clusters started (one per cluster-level combination). */
  clusters: number;
  parallel: number;
  dimensions: ReportDimension[];
  attacks: AttackInfo[];
  combinations: CombinationResult[];
  /** Attack results where prediction and measurement differ, plus combinations that failed. */
  disagreements: number;
}

/** The dimensions in report form. */
export function reportDimensions(dimensions: readonly Dimension[]): ReportDimension[] {
  return dimensions.map((d) => ({ id: d.id, level: d.level, title: d.title, values: (d.values as { id: string; label: string }[]).map(({ id, label }) => ({ id, label })) }));
}

/** Each disagreement (or failed combination) in one line, for people and test failures. */
export function describeDisagreements(report: MatrixReport): string[] {
  return report.combinations.flatMap((c) =>
    c.error
      ? [`${c.id}: not measured: ${c.error}`]
      : c.attacks
          .filter((a) => !a.agree)
          .map((a) => `${c.id} ${a.attack}: predicted ${a.predicted} (${a.prediction.reason}) but measured ${a.measured}: ${a.evidence.summary}${a.evidence.bytes ? ` [bytes: ${JSON.stringify(a.evidence.bytes.slice(0, 200))}]` : ''}`),
  );
}

/** `1 cluster`, `12 clusters`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
