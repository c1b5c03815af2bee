// The default scheduler, reduced to what a small cluster needs: pods without a node that name
// `default-scheduler` are bound to the least-loaded Ready node they fit (see scheduler-fit.ts) by setting
// spec.nodeName and PodScheduled=True, with a `Scheduled` event. A pod that fits nowhere gets
// PodScheduled=False/Unschedulable with Kubernetes' explanation and a `FailedScheduling` event, and is
// retried whenever a node changes.
import type { KubeObject } from '@hubspoke/api';
import { KEYS, clockOf, type Controller, type ControllerContext } from './context.ts';
import { recordEvent } from './events.ts';
import { follow } from './follow.ts';
import { SkipUpdate, keyOf, setCondition, splitKey, updateIfPresent } from './objects.ts';
import { findFit } from './scheduler-fit.ts';
import { WorkQueue } from './work-queue.ts';

/** Scheduler settings. */
export interface SchedulerContext extends ControllerContext {
  /** How often pods that fit nowhere are tried again even if no node changed. Default 60 s. */
  unschedulableRetryMs?: number;
}

const SCHEDULER_NAME = 'default-scheduler';

interface PodFields {
  spec?: { nodeName?: string; schedulerName?: string };
  status?: { phase?: string; conditions?: unknown };
}

/** Start scheduling; stop() ends it. */
export function startScheduler(ctx: SchedulerContext): Controller {
  const { storage } = ctx;
  const now = clockOf(ctx);
  const assigned = new Map<string, string>();
  const podsPerNode = new Map<string, number>();
  const unschedulable = new Set<string>();
  const lastFailure = new Map<string, string>();

  const forget = (key: string) => {
    const node = assigned.get(key);
    if (node !== undefined) podsPerNode.set(node, (podsPerNode.get(node) ?? 1) - 1);
    assigned.delete(key);
  };
  // The scheduler's cache: which node each running or pending pod occupies.
  const track = (pod: KubeObject) => {
    const key = keyOf(pod);
    forget(key);
    const { spec, status } = pod as PodFields;
    if (!spec?.nodeName || status?.phase === 'Succeeded' || status?.phase === 'Failed') return;
    assigned.set(key, spec.nodeName);
    podsPerNode.set(spec.nodeName, (podsPerNode.get(spec.nodeName) ?? 0) + 1);
  };

  const queue = new WorkQueue({ name: 'scheduler', logger: ctx.logger, handler: (key) => schedule(key) });

  async function schedule(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = storage.peek(KEYS.pods, namespace, name);
    if (!pod || !wantsScheduling(pod)) {
      unschedulable.delete(key);
      return;
    }
    const nodes = storage.peekList(KEYS.nodes).filter((n) => !n.metadata.deletionTimestamp);
    const fit = findFit(pod, nodes, (node) => podsPerNode.get(node) ?? 0);
    if (fit.kind === 'fit') await bind(key, pod, fit.node);
    else await markUnschedulable(key, pod, fit.message);
  }

  async function bind(key: string, pod: KubeObject, node: string): Promise<void> {
    const { namespace, name = '' } = pod.metadata;
    const bound = await updateIfPresent(() =>
      storage.update(KEYS.pods, namespace, name, (current) => {
        if (!wantsScheduling(current)) throw new SkipUpdate();
        const { spec = {}, status = {} } = current as PodFields;
        const conditions = setCondition(status.conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null }, now());
        return { ...current, spec: { ...spec, nodeName: node }, status: { ...status, conditions } };
      }),
    );
    unschedulable.delete(key);
    lastFailure.delete(key);
    if (!bound) return;
    track(bound);
    ctx.logger.info({ pod: key, node }, 'pod scheduled');
    await recordEvent(ctx, {
      involved: bound,
      kind: 'Pod',
      apiVersion: 'v1',
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${namespace}/${name} to ${node}`,
      component: SCHEDULER_NAME,
      action: 'Binding',
    });
  }

  async function markUnschedulable(key: string, pod: KubeObject, message: string): Promise<void> {
    const { namespace, name = '' } = pod.metadata;
    unschedulable.add(key);
    const updated = await updateIfPresent(() =>
      storage.update(KEYS.pods, namespace, name, (current) => {
        if (!wantsScheduling(current)) throw new SkipUpdate();
        const { status = {} } = current as PodFields;
        const conditions = setCondition(
          status.conditions,
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null },
          now(),
        );
        return { ...current, status: { ...status, conditions } };
      }),
    );
    // Kubernetes repeats FailedScheduling on every attempt; once per distinct message keeps the event list readable.
    if (!updated || lastFailure.get(key) === message) return;
    lastFailure.set(key, message);
    await recordEvent(ctx, {
      involved: updated,
      kind: 'Pod',
      apiVersion: 'v1',
      type: 'Warning',
      reason: 'FailedScheduling',
      message,
      component: SCHEDULER_NAME,
      action: 'Scheduling',
    });
  }

  const resync = () => {
    assigned.clear();
    podsPerNode.clear();
    for (const pod of storage.peekList(KEYS.pods)) {
      track(pod);
      if (wantsScheduling(pod)) queue.add(keyOf(pod));
    }
  };
  const retryUnschedulable = () => {
    for (const key of unschedulable) queue.add(key);
  };

  const watches = [
    follow(ctx, {
      key: KEYS.pods,
      onEvent(e) {
        const key = keyOf(e.object);
        if (e.type === 'DELETED') {
          forget(key);
          unschedulable.delete(key);
          lastFailure.delete(key);
          return;
        }
        track(e.object);
        if (wantsScheduling(e.object)) queue.add(key);
      },
      onResync: resync,
    }),
    follow(ctx, { key: KEYS.nodes, onEvent: retryUnschedulable, onResync: retryUnschedulable }),
  ];
  resync();
  const timer = setInterval(retryUnschedulable, ctx.unschedulableRetryMs ?? 60_000);
  timer.unref?.();

  return {
    stop() {
      clearInterval(timer);
      for (const w of watches) w.stop();
      queue.stop();
    },
  };
}

/** A pending pod this scheduler is responsible for. */
export function wantsScheduling(pod: KubeObject): boolean {
  const { spec, status } = pod as PodFields;
  if (spec?.nodeName || pod.metadata.deletionTimestamp) return false;
  if (status?.phase === 'Succeeded' || status?.phase === 'Failed') return false;
  return (spec?.schedulerName || SCHEDULER_NAME) === SCHEDULER_NAME;
}
