// `kubectl get pods`: the READY / STATUS / RESTARTS logic of Kubernetes' printPod. STATUS is the most specific
// thing known: a pod reason, an init container's progress, a container's waiting or terminated reason,
// `Terminating` while a deletion is pending, `Unknown` for a pod on a lost node.
import type { KubeObject } from '../../../meta.ts';
import { ageSince, humanDuration } from '../../duration.ts';
import { AGE_COLUMN, NAME_COLUMN, column, orNone } from '../../columns.ts';
import type { RowConditionPrinter, TableRowCondition } from '../../table.ts';
import type { Container, ContainerStatus, Pod, PodCondition } from './pod-types.ts';
import { asPod, podIP } from './pod-types.ts';

/** kubelet's reason for pods on a node that stopped reporting (`node.NodeUnreachablePodReason`). */
export const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

/** What kubectl shows for one pod. */
export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** READY, STATUS and RESTARTS as kubectl prints them. */
export function summarizePod(pod: Pod, now: Date): PodSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const phase = status.phase ?? '';
  let reason = status.reason || phase;
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  const initContainers = new Map<string, Container>();
  let total = (spec.containers ?? []).length;
  for (const c of spec.initContainers ?? []) {
    if (c.name) initContainers.set(c.name, c);
    if (isSidecar(c)) total++;
  }

  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const sidecar = isSidecar(initContainers.get(c.name));
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, lastTerminatedAt(c));
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, lastTerminatedAt(c));
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) {
      if (terminated.reason) reason = `Init:${terminated.reason}`;
      else if (terminated.signal) reason = `Init:Signal:${terminated.signal}`;
      else reason = `Init:ExitCode:${terminated.exitCode ?? 0}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status.conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Walked backwards so the first container's state wins, as kubectl does.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, lastTerminatedAt(c));
      const waiting = c.state?.waiting;
      const terminated = c.state?.terminated;
      if (waiting?.reason) {
        reason = waiting.reason;
      } else if (terminated?.reason) {
        reason = terminated.reason;
      } else if (terminated) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      } else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp && status.reason === NODE_UNREACHABLE_POD_REASON) {
    reason = 'Unknown';
  } else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }

  const restartText =
    restarts !== 0 && lastRestart > 0
      ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`
      : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartText };
}

function isSidecar(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function lastTerminatedAt(c: ContainerStatus): number {
  const at = c.lastState?.terminated?.finishedAt;
  const ms = at ? Date.parse(at) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

function conditionTrue(conditions: PodCondition[] | undefined, type: string): boolean {
  const c = (conditions ?? []).find((x) => x.type === type);
  return c?.status === 'True';
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const satisfied = gates.filter((g) => conditionTrue(pod.status?.conditions, g.conditionType)).length;
  return `${satisfied}/${gates.length}`;
}

const COMPLETED: Record<string, TableRowCondition[]> = {
  Succeeded: [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }],
  Failed: [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }],
};

/** Kubernetes' pod columns: Name, Ready, Status, Restarts, Age; wide: IP, Node, Nominated Node, Readiness Gates. */
export const podPrinter: RowConditionPrinter = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COLUMN,
    column('IP', { doc: 'PodStatus.podIP' }, { priority: 1 }),
    column('Node', { doc: 'PodSpec.nodeName' }, { priority: 1 }),
    column('Nominated Node', { doc: 'PodStatus.nominatedNodeName' }, { priority: 1 }),
    column('Readiness Gates', { doc: 'PodSpec.readinessGates' }, { priority: 1 }),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const pod = asPod(obj);
    const s = summarizePod(pod, now);
    return [
      pod.metadata?.name ?? '',
      s.ready,
      s.status,
      s.restarts,
      ageSince(pod.metadata?.creationTimestamp, now),
      orNone(podIP(pod)),
      orNone(pod.spec?.nodeName),
      orNone(pod.status?.nominatedNodeName),
      readinessGates(pod),
    ];
  },
  conditions(obj: KubeObject): TableRowCondition[] | undefined {
    return COMPLETED[asPod(obj).status?.phase ?? ''];
  },
};
