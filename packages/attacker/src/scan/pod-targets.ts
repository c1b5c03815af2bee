// Choosing what the command and port-forward probes aim at. A readable /pods names real pods (the scanner
// picks a running container, and a pod that declares a port); otherwise the operator's choice is used, and
// failing that a made-up name: a kubelet that checks credentials first still answers 401 or 403 for it.
import type { ContainerTarget, PortForwardTarget } from './types.ts';

/** The parts of a pod the scanner reads. */
export interface PodSummary {
  namespace: string;
  name: string;
  running: boolean;
  containers: { name: string; running: boolean; ports: number[] }[];
}

/** The pods of a /pods answer; undefined when the body is not a PodList. */
export function parsePodList(body: string): PodSummary[] | undefined {
  let list: unknown;
  try {
    list = JSON.parse(body);
  } catch {
    return undefined;
  }
  const items = (list as { kind?: unknown; items?: unknown })?.items;
  if ((list as { kind?: unknown }).kind !== 'PodList' || !Array.isArray(items)) return undefined;
  return items.map((item: PodJson) => {
    const statuses = new Map((item.status?.containerStatuses ?? []).map((s) => [s.name, Boolean(s.state?.running)]));
    return {
      namespace: item.metadata?.namespace ?? 'default',
      name: item.metadata?.name ?? '',
      running: item.status?.phase === 'Running',
      containers: (item.spec?.containers ?? []).map((c) => ({
        name: c.name,
        running: statuses.get(c.name) ?? false,
        ports: (c.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort),
      })),
    };
  });
}

interface PodJson {
  metadata?: { name?: string; namespace?: string };
  spec?: { containers?: { name: string; ports?: { containerPort: number; protocol?: string }[] }[] };
  status?: { phase?: string; containerStatuses?: { name: string; state?: { running?: unknown } }[] };
}

/** What the operator asked for (`--namespace --pod --container --port`). */
export interface TargetPreference {
  namespace?: string;
  pod?: string;
  container?: string;
  /** Port for the port-forward probe. */
  port?: number;
}

/** A name nobody uses, for probing a kubelet whose pods are unknown. */
export const PLACEHOLDER_POD = 'hubspoke-scan';

/** Port-forward port when neither the pod nor the operator names one. */
export const DEFAULT_FORWARD_PORT = 80;

/** The container for logs, run, exec and attach. */
export function chooseContainer(pods: PodSummary[] | undefined, pref: TargetPreference): ContainerTarget {
  const namespace = pref.namespace ?? 'default';
  if (pref.pod) {
    const pod = pods?.find((p) => p.namespace === namespace && p.name === pref.pod);
    const container = pref.container ?? pod?.containers[0]?.name ?? pref.pod;
    return { namespace, pod: pref.pod, container, source: 'options' };
  }
  for (const pod of pods ?? []) {
    const container = pod.containers.find((c) => c.running);
    if (pod.running && container) return { namespace: pod.namespace, pod: pod.name, container: container.name, source: 'pods' };
  }
  return { namespace, pod: PLACEHOLDER_POD, container: pref.container ?? PLACEHOLDER_POD, source: 'placeholder' };
}

/** The pod and port for port-forward: a running pod that declares a TCP port (else any running pod), unless the operator chose. */
export function choosePortForward(pods: PodSummary[] | undefined, pref: TargetPreference): PortForwardTarget {
  const namespace = pref.namespace ?? 'default';
  if (pref.pod) {
    const pod = pods?.find((p) => p.namespace === namespace && p.name === pref.pod);
    const declared = pod?.containers.flatMap((c) => c.ports)[0];
    return { namespace, pod: pref.pod, port: pref.port ?? declared ?? DEFAULT_FORWARD_PORT, source: 'options' };
  }
  for (const pod of pods ?? []) {
    const port = pod.running ? pod.containers.flatMap((c) => c.ports)[0] : undefined;
    if (port !== undefined) return { namespace: pod.namespace, pod: pod.name, port: pref.port ?? port, source: 'pods' };
  }
  const running = pods?.find((p) => p.running);
  if (running) return { namespace: running.namespace, pod: running.name, port: pref.port ?? DEFAULT_FORWARD_PORT, source: 'pods' };
  return { namespace, pod: PLACEHOLDER_POD, port: pref.port ?? DEFAULT_FORWARD_PORT, source: 'placeholder' };
}
