// The node lifecycle controller: a node whose kubelet stopped heartbeating (no Lease renewal and no status
// post within nodeMonitorGracePeriod) gets its conditions set to Unknown ("Kubelet stopped posting node
// status."), and its pods are marked not Ready. Taints follow the Ready condition as in Kubernetes
// (TaintNodesByCondition and taint-based eviction's taints): Unknown → node.kubernetes.io/unreachable,
// False → node.kubernetes.io/not-ready, True → neither. When heartbeats resume and the kubelet has not posted
// its status yet, the conditions this controller overwrote are put back.
import { nowTimestamp, type KubeObject } from '@hubspoke/api';
import { KEYS, clockOf, type Controller, type ControllerContext } from './context.ts';
import { recordEvent } from './events.ts';
import { follow } from './follow.ts';
import { SkipUpdate, findCondition, setCondition, updateIfPresent, type Condition } from './objects.ts';
import { NOT_READY_TAINT, UNREACHABLE_TAINT, type Taint } from './scheduler-fit.ts';
import { WorkQueue } from './work-queue.ts';

/** Node lifecycle settings (Kubernetes' flag names). */
export interface NodeLifecycleContext extends ControllerContext {
  /** How long a node may go without a heartbeat before it is marked Unknown. Default 40 s. */
  nodeMonitorGracePeriodMs?: number;
  /** How often every node is checked. Default 5 s. */
  nodeMonitorPeriodMs?: number;
}

const LEASE_NAMESPACE = 'kube-node-lease';
const COMPONENT = 'node-controller';
const MONITORED = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
const STOPPED = { reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' };
const NEVER = { reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' };

interface NodeFields {
  spec?: { taints?: Taint[] };
  status?: { conditions?: Condition[] };
}

/** Start watching node health. */
export function startNodeLifecycleController(ctx: NodeLifecycleContext): Controller {
  const { storage } = ctx;
  const now = clockOf(ctx);
  const grace = ctx.nodeMonitorGracePeriodMs ?? 40_000;
  // The conditions a node had before this controller replaced them with Unknown.
  const overwritten = new Map<string, Condition[]>();

  async function reconcile(name: string): Promise<void> {
    if (!storage.peek(KEYS.nodes, undefined, name)) {
      overwritten.delete(name);
      return;
    }
    let markedUnknown = false;
    const updated = await updateIfPresent(() =>
      storage.update(KEYS.nodes, undefined, name, (node) => {
        const at = now();
        const heartbeat = lastHeartbeat(node, storage.peek(KEYS.leases, LEASE_NAMESPACE, name));
        const stale = at.getTime() - heartbeat > grace;
        let conditions = (node as NodeFields).status?.conditions ?? [];
        const ready = findCondition(conditions, 'Ready');
        markedUnknown = stale && ready?.status !== 'Unknown';
        if (markedUnknown) {
          overwritten.set(name, conditions.filter((c) => MONITORED.includes(c.type) && c.status !== 'Unknown'));
          conditions = markUnknown(node, conditions, at);
        } else if (!stale && ready?.reason === STOPPED.reason && overwritten.has(name)) {
          for (const old of overwritten.get(name)!) {
            conditions = setCondition(conditions, { ...old, lastHeartbeatTime: nowTimestamp(new Date(heartbeat)) }, at);
          }
          overwritten.delete(name);
        }
        const current = (node as NodeFields).spec?.taints ?? [];
        const taints = taintsFor(current, findCondition(conditions, 'Ready')?.status, at);
        const spec = taints === current ? node.spec : { ...(node.spec as object), taints };
        const status = (node as NodeFields).status ?? {};
        return { ...node, spec, status: { ...status, conditions } };
      }),
    );
    if (updated && markedUnknown) await markPodsNotReady(updated);
  }

  async function markPodsNotReady(node: KubeObject): Promise<void> {
    const name = node.metadata.name ?? '';
    ctx.logger.warn({ node: name }, 'node stopped posting status');
    await recordEvent(ctx, {
      involved: node,
      kind: 'Node',
      apiVersion: 'v1',
      type: 'Normal',
      reason: 'NodeNotReady',
      message: `Node ${name} status is now: NodeNotReady`,
      component: COMPONENT,
    });
    const pods = storage.peekList(KEYS.pods).filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === name);
    for (const pod of pods) {
      const { namespace, name: podName = '' } = pod.metadata;
      const updated = await updateIfPresent(() =>
        storage.update(KEYS.pods, namespace, podName, (current) => {
          const status = (current.status ?? {}) as { conditions?: Condition[] };
          const ready = findCondition(status.conditions, 'Ready');
          if (!ready || ready.status === 'False') throw new SkipUpdate();
          const conditions = setCondition(status.conditions, { ...ready, status: 'False' }, now());
          return { ...current, status: { ...status, conditions } };
        }),
      );
      if (updated) {
        await recordEvent(ctx, {
          involved: updated,
          kind: 'Pod',
          apiVersion: 'v1',
          type: 'Warning',
          reason: 'NodeNotReady',
          message: 'Node is not ready',
          component: COMPONENT,
        });
      }
    }
  }

  const queue = new WorkQueue({ name: 'node-lifecycle', logger: ctx.logger, handler: reconcile });
  const checkAll = () => {
    for (const node of storage.peekList(KEYS.nodes)) queue.add(node.metadata.name ?? '');
  };
  const watches = [
    follow(ctx, { key: KEYS.nodes, onEvent: (e) => queue.add(e.object.metadata.name ?? ''), onResync: checkAll }),
    follow(ctx, {
      key: KEYS.leases,
      namespace: LEASE_NAMESPACE,
      onEvent: (e) => queue.add(e.object.metadata.name ?? ''),
      onResync: checkAll,
    }),
  ];
  checkAll();
  const timer = setInterval(checkAll, ctx.nodeMonitorPeriodMs ?? 5_000);
  timer.unref?.();
  return {
    stop() {
      clearInterval(timer);
      for (const w of watches) w.stop();
      queue.stop();
    },
  };
}

// The newest sign of life: Lease renewal, a Ready heartbeat, or (for a node never heard from) its creation.
function lastHeartbeat(node: KubeObject, lease: KubeObject | undefined): number {
  const renewTime = (lease?.spec as { renewTime?: string } | undefined)?.renewTime;
  const ready = findCondition((node as NodeFields).status?.conditions, 'Ready');
  const times = [renewTime, ready?.lastHeartbeatTime, node.metadata.creationTimestamp]
    .map((t) => (t ? Date.parse(t) : NaN))
    .filter((t) => !Number.isNaN(t));
  return times.length > 0 ? Math.max(...times) : 0;
}

function markUnknown(node: KubeObject, conditions: Condition[], at: Date): Condition[] {
  let next = conditions;
  for (const type of MONITORED) {
    const old = findCondition(next, type);
    if (old?.status === 'Unknown') continue;
    const why = old ? STOPPED : NEVER;
    const lastHeartbeatTime = old?.lastHeartbeatTime ?? node.metadata.creationTimestamp;
    next = setCondition(next, { type, status: 'Unknown', ...why, lastHeartbeatTime }, at);
  }
  return next;
}

// Managed taints follow the Ready status; others are left as they are. Returns `current` itself when nothing
// changes (and always without a Ready condition).
function taintsFor(current: Taint[], ready: string | undefined, at: Date): Taint[] {
  if (ready === undefined) return current;
  const key = ready === 'Unknown' ? UNREACHABLE_TAINT : ready === 'False' ? NOT_READY_TAINT : undefined;
  const kept = current.filter((t) => (t.key !== NOT_READY_TAINT && t.key !== UNREACHABLE_TAINT) || t.key === key);
  if (key) {
    for (const effect of ['NoSchedule', 'NoExecute'] as const) {
      if (!kept.some((t) => t.key === key && t.effect === effect)) kept.push({ key, effect, timeAdded: nowTimestamp(at) });
    }
  }
  return kept.length === current.length && kept.every((t, i) => t === current[i]) ? current : kept;
}
