// The pod status the kubelet reports, computed from what its containers are doing. Pure functions: the
// phase rules follow the kubelet's getPhase, the conditions its generateAPIPodStatus.
import { nowTimestamp } from '@hubspoke/api';

/** `v1.ContainerState`: exactly one member is set. */
export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: {
    exitCode: number;
    reason: string;
    message?: string;
    signal?: number;
    startedAt: string;
    finishedAt: string;
    containerID?: string;
  };
}

/** `v1.ContainerStatus`. */
export interface ContainerStatus {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started: boolean;
}

/** `v1.PodCondition`. */
export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

/** `v1.PodStatus`, the fields the kubelet owns. */
export interface PodStatus {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions: PodCondition[];
  hostIP: string;
  hostIPs: Array<{ ip: string }>;
  podIP?: string;
  podIPs?: Array<{ ip: string }>;
  startTime: string;
  containerStatuses: ContainerStatus[];
  qosClass?: string;
  [field: string]: unknown;
}

/** `spec.restartPolicy`. */
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

/** Inputs of computePodStatus. */
export interface PodStatusInput {
  restartPolicy: RestartPolicy;
  containers: ContainerStatus[];
  hostIP: string;
  podIP?: string;
  startTime: string;
  /** The previous status (what we last computed, or what the apiserver holds). */
  previous?: Partial<PodStatus>;
  /** The pod is being torn down: no container will run again. */
  terminal?: boolean;
  now?: Date;
}

/** The pod phase for these container statuses (the kubelet's getPhase). */
export function podPhase(policy: RestartPolicy, containers: ContainerStatus[], terminal = false): PodStatus['phase'] {
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of containers) {
    if (c.state.running) running++;
    else if (c.state.terminated) {
      stopped++;
      if (c.state.terminated.exitCode === 0) succeeded++;
    } else if (c.lastState.terminated) {
      // Waiting to restart after a run: it has run, so it does not hold the pod in Pending.
      stopped++;
    } else waiting++;
  }
  if (terminal && running === 0) return waiting === 0 && stopped === succeeded ? 'Succeeded' : 'Failed';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return policy === 'OnFailure' ? 'Running' : 'Failed';
  }
  return 'Pending';
}

/** The full status; conditions keep their lastTransitionTime from `previous` while unchanged. */
export function computePodStatus(input: PodStatusInput): PodStatus {
  const now = nowTimestamp(input.now ?? new Date());
  const phase = podPhase(input.restartPolicy, input.containers, input.terminal);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const unready = input.containers.filter((c) => !c.ready).map((c) => c.name);

  const containersReady: Omit<PodCondition, 'lastProbeTime' | 'lastTransitionTime'> = completed
    ? { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' }
    : unready.length > 0
      ? { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` }
      : { type: 'ContainersReady', status: 'True' };
  const fresh: Array<Omit<PodCondition, 'lastProbeTime' | 'lastTransitionTime'>> = [
    // The sandbox (an IP on the node) exists as soon as the kubelet admits the pod, until it is torn down.
    { type: 'PodReadyToStartContainers', status: completed ? 'False' : 'True' },
    { type: 'Initialized', status: 'True' },
    { ...containersReady, type: 'Ready' },
    containersReady,
    { type: 'PodScheduled', status: 'True' },
  ];
  const previous = input.previous?.conditions ?? [];
  const conditions = fresh.map((c): PodCondition => {
    const old = previous.find((p) => p.type === c.type);
    const lastTransitionTime = old && old.status === c.status ? old.lastTransitionTime : now;
    const condition: PodCondition = { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime };
    if (c.reason) condition.reason = c.reason;
    if (c.message) condition.message = c.message;
    return condition;
  });

  const status: PodStatus = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: input.startTime,
    containerStatuses: input.containers,
  };
  if (input.podIP) {
    status.podIP = input.podIP;
    status.podIPs = [{ ip: input.podIP }];
  }
  if (input.previous?.qosClass) status.qosClass = input.previous.qosClass;
  return status;
}
