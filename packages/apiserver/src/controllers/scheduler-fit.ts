// Where a pod can run: the default scheduler's filters that matter here (NodeUnschedulable, TaintToleration,
// NodeAffinity's nodeSelector, in that order, stopping at a node's first failure), the least-loaded pick,
// and the FitError text Kubernetes writes into the PodScheduled condition and the FailedScheduling event.
import type { KubeObject } from '@hubspoke/api';
import { findCondition } from './objects.ts';

/** `v1.Taint`. */
export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

/** `v1.Toleration`. */
export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** The outcome for one pod. */
export type FitResult = { kind: 'fit'; node: string } | { kind: 'unschedulable'; message: string };

/** Taint keys the node lifecycle controller manages from the Ready condition. */
export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const REASON_SELECTOR = "node(s) didn't match Pod's node affinity/selector";

/** `v1.Toleration.ToleratesTaint`. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/** Pick the node with the fewest pods (ties by name) among those that pass every filter. */
export function findFit(pod: KubeObject, nodes: KubeObject[], podsPerNode: (node: string) => number): FitResult {
  if (nodes.length === 0) return { kind: 'unschedulable', message: 'no nodes available to schedule pods' };
  const reasons = new Map<string, number>();
  let best: { name: string; pods: number } | undefined;
  for (const node of nodes) {
    const reason = filter(pod, node);
    const name = node.metadata.name ?? '';
    if (reason) {
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      continue;
    }
    const pods = podsPerNode(name);
    if (!best || pods < best.pods || (pods === best.pods && name < best.name)) best = { name, pods };
  }
  if (best) return { kind: 'fit', node: best.name };
  return { kind: 'unschedulable', message: fitError(nodes.length, reasons) };
}

/** The first filter a node fails for a pod, or undefined when the pod fits. */
export function filter(pod: KubeObject, node: KubeObject): string | undefined {
  const spec = (pod.spec ?? {}) as { nodeSelector?: Record<string, string>; tolerations?: Toleration[] };
  const nodeSpec = (node.spec ?? {}) as { unschedulable?: boolean; taints?: Taint[] };
  const tolerations = spec.tolerations ?? [];
  const tolerated = (taint: Taint) => tolerations.some((t) => tolerates(t, taint));
  if (nodeSpec.unschedulable && !tolerated({ key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' })) return REASON_UNSCHEDULABLE;
  for (const taint of [...(nodeSpec.taints ?? []), ...implicitTaints(node)]) {
    if (taint.effect === 'PreferNoSchedule' || tolerated(taint)) continue;
    return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (labels[key] !== value) return REASON_SELECTOR;
  return undefined;
}

// A node that is not Ready but not yet tainted by the node lifecycle controller is treated as if it were,
// so the scheduler never binds to it in that window.
function implicitTaints(node: KubeObject): Taint[] {
  const ready = findCondition((node.status as { conditions?: unknown } | undefined)?.conditions, 'Ready');
  if (ready?.status === 'True') return [];
  const key = ready?.status === 'Unknown' ? UNREACHABLE_TAINT : NOT_READY_TAINT;
  const taints = ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []);
  if (taints.some((t) => t.key === NOT_READY_TAINT || t.key === UNREACHABLE_TAINT)) return [];
  return [{ key, effect: 'NoSchedule' }];
}

// FitError.Error(): a sorted histogram of reasons, then the preemption plugin's verdict, which is "not
// helpful" for every reason these filters produce.
function fitError(nodeCount: number, reasons: Map<string, number>): string {
  const histogram = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
  return (
    `0/${nodeCount} nodes are available: ${histogram.join(', ')}. ` +
    `preemption: 0/${nodeCount} nodes are available: ${nodeCount} Preemption is not helpful for scheduling.`
  );
}
