// Small helpers for the objects controllers write themselves. Controllers bypass the REST handlers, so they
// fill the fields a create would otherwise get there (uid, creationTimestamp).
import { randomUUID } from 'node:crypto';
import { ApiError, nowTimestamp, type KubeObject, type ObjectMeta } from '@hubspoke/api';

/** A Kubernetes condition as nodes, pods and namespaces carry them. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
  lastProbeTime?: string | null;
}

/** Metadata for an object a controller creates. */
export function newMeta(meta: ObjectMeta, now: Date): ObjectMeta {
  return { uid: randomUUID(), creationTimestamp: nowTimestamp(now), ...meta };
}

/** `namespace/name` of an object (`name` for cluster-scoped ones): the work queue key. */
export function keyOf(obj: KubeObject): string {
  const { namespace, name = '' } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** The inverse of keyOf. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** True for an ApiError with this HTTP code. */
export function hasCode(err: unknown, code: number): boolean {
  return err instanceof ApiError && err.code === code;
}

/** Thrown inside an update function to leave the object alone. */
export class SkipUpdate extends Error {
  constructor() {
    super('update skipped');
  }
}

/** Runs an update and reports whether it happened (SkipUpdate and a vanished object mean "no"). */
export async function updateIfPresent(
  run: () => Promise<KubeObject>,
): Promise<KubeObject | undefined> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof SkipUpdate || hasCode(err, 404)) return undefined;
    throw err;
  }
}

/** The condition of a type, if present. */
export function findCondition(conditions: unknown, type: string): Condition | undefined {
  return Array.isArray(conditions) ? (conditions as Condition[]).find((c) => c?.type === type) : undefined;
}

/**
 * Conditions with `next` in place of the condition of its type; lastTransitionTime moves only when the
 * status changes, as Kubernetes keeps it.
 */
export function setCondition(conditions: unknown, next: Condition, now: Date): Condition[] {
  const list = Array.isArray(conditions) ? [...(conditions as Condition[])] : [];
  const at = list.findIndex((c) => c?.type === next.type);
  const old = at >= 0 ? list[at] : undefined;
  const lastTransitionTime =
    old && old.status === next.status ? old.lastTransitionTime : (next.lastTransitionTime ?? nowTimestamp(now));
  const merged: Condition = { ...next, lastTransitionTime };
  if (at >= 0) list[at] = merged;
  else list.push(merged);
  return list;
}

/** Whether a namespace is being deleted. */
export function isTerminating(namespace: KubeObject | undefined): boolean {
  if (!namespace) return false;
  const phase = (namespace.status as { phase?: string } | undefined)?.phase;
  return Boolean(namespace.metadata.deletionTimestamp) || phase === 'Terminating';
}
