// The parts of the core/v1 Pod that defaulting, validation and printing read, as plain JSON shapes.
import type { KubeObject } from '../../../meta.ts';

/** `v1.ContainerPort`. */
export interface ContainerPort {
  name?: string;
  containerPort?: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: string;
}

/** `v1.ResourceRequirements` (quantities as strings). */
export interface ResourceRequirements {
  limits?: Record<string, string | number>;
  requests?: Record<string, string | number>;
}

/** `v1.Probe` handler fields defaulting touches. */
export interface Probe {
  httpGet?: { path?: string; scheme?: string; [k: string]: unknown };
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  [k: string]: unknown;
}

/** `v1.Container`. */
export interface Container {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  /** Only `Always`, and only on init containers (sidecars). */
  restartPolicy?: string;
  env?: { name?: string; valueFrom?: { fieldRef?: { apiVersion?: string; fieldPath?: string } } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  [k: string]: unknown;
}

/** `v1.Toleration`. */
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** `v1.PodSpec`. */
export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number | null;
  dnsPolicy?: string;
  nodeName?: string;
  serviceAccountName?: string;
  /** Deprecated alias of serviceAccountName, still written by the apiserver. */
  serviceAccount?: string;
  hostNetwork?: boolean;
  securityContext?: Record<string, unknown>;
  schedulerName?: string;
  tolerations?: Toleration[];
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: string;
  enableServiceLinks?: boolean;
  readinessGates?: { conditionType: string }[];
  [k: string]: unknown;
}

/** `v1.ContainerState`. */
export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; signal?: number; reason?: string; startedAt?: string; finishedAt?: string };
}

/** `v1.ContainerStatus`. */
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  /** `LastTerminationState` on the wire. */
  lastState?: ContainerState;
  [k: string]: unknown;
}

/** `v1.PodCondition`. */
export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** `v1.PodStatus`. */
export interface PodStatus {
  phase?: string;
  reason?: string;
  message?: string;
  conditions?: PodCondition[];
  podIP?: string;
  podIPs?: { ip: string }[];
  hostIP?: string;
  nominatedNodeName?: string;
  qosClass?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  [k: string]: unknown;
}

/** `v1.Pod`. */
export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: PodStatus;
}

/** A KubeObject seen as a Pod. */
export function asPod(obj: KubeObject): Pod {
  return obj as Pod;
}

/** The pod's first IP (`status.podIPs[0]`, falling back to the singular `status.podIP`). */
export function podIP(pod: Pod): string {
  return pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '';
}
