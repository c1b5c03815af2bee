// From a pod's container spec to what the runtime starts: env values resolved (literal values, `$(VAR)`
// references and the downward-API fieldRefs a toy node can answer) with the service variables behind them,
// command, args, ports, stdio flags and the container's file view.
import { metadataFieldValue } from './volumes/downward-api.ts';
import type { KubeObject } from '@hubspoke/api';
import type { Logger } from 'pino';
import type { ContainerPortSpec, ContainerSpec } from './runtime/index.ts';
import type { VolumeMount } from './volumes/types.ts';

/** `v1.Container`, the fields the kubelet reads. */
export interface PodContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } & Record<string, unknown> }>;
  ports?: ContainerPortSpec[];
  volumeMounts?: VolumeMount[];
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
}

/** Where the pod runs, for downward-API fields. */
export interface PodPlacement {
  podIP: string;
  hostIP: string;
  nodeName: string;
}

/** The containers of a pod spec (empty when malformed). */
export function podContainers(pod: KubeObject): PodContainer[] {
  const spec = pod.spec as { containers?: PodContainer[] } | undefined;
  return Array.isArray(spec?.containers) ? spec.containers : [];
}

/** Inputs of resolveContainerSpec. */
export interface ContainerSpecInput {
  pod: KubeObject;
  container: PodContainer;
  placement: PodPlacement;
  /** The pod's service variables (service-env.ts); the container's own entries override them. */
  serviceEnv?: Record<string, string>;
  /** The container's live file view (its volume mounts). */
  files?: Map<string, string | Buffer>;
  logger: Logger;
}

/**
 * The runtime spec of a container, in the order of the kubelet's makeEnvironmentVariables: each env entry is
 * resolved in turn (`$(VAR)` sees the entries before it, then the service variables), service variables the
 * container does not set follow, and command and args expand against that whole environment. Entries whose
 * source cannot be resolved are skipped with a warning.
 */
export function resolveContainerSpec(input: ContainerSpecInput): ContainerSpec {
  const { pod, container, placement, logger } = input;
  const serviceEnv = input.serviceEnv ?? {};
  const own: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    if (entry.valueFrom && !entry.value) {
      const value = entry.valueFrom.fieldRef ? fieldRefValue(pod, entry.valueFrom.fieldRef.fieldPath, placement) : undefined;
      if (value === undefined) {
        logger.warn({ container: container.name, env: entry.name }, 'Skipping environment variable whose source is not supported');
        continue;
      }
      own[entry.name] = value;
    } else {
      own[entry.name] = expandReferences(entry.value ?? '', { ...serviceEnv, ...own });
    }
  }
  const env: Record<string, string> = { ...own };
  for (const [name, value] of Object.entries(serviceEnv)) if (!(name in own)) env[name] = value;
  const spec: ContainerSpec = {
    name: container.name,
    image: container.image,
    command: container.command?.map((c) => expandReferences(c, env)),
    args: container.args?.map((a) => expandReferences(a, env)),
    workingDir: container.workingDir,
    env,
    ports: container.ports ?? [],
    stdin: container.stdin,
    stdinOnce: container.stdinOnce,
    tty: container.tty,
  };
  if (input.files) spec.files = input.files;
  return spec;
}

/** Kubernetes' `$(VAR)` expansion: defined names are replaced, `$$` escapes, unknown references stay as written. */
export function expandReferences(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && name in env ? env[name] : match;
  });
}

/** The downward-API value of `fieldPath`, or undefined when the toy node cannot answer it. */
export function fieldRefValue(pod: KubeObject, fieldPath: string, placement: PodPlacement): string | undefined {
  if (fieldPath.startsWith('metadata.')) {
    const value = metadataFieldValue(pod, fieldPath);
    return value.kind === 'value' ? value.text : undefined;
  }
  const spec = (pod.spec ?? {}) as { serviceAccountName?: string };
  const fixed: Record<string, string | undefined> = {
    'spec.nodeName': placement.nodeName,
    'spec.serviceAccountName': spec.serviceAccountName ?? 'default',
    'status.podIP': placement.podIP,
    'status.podIPs': placement.podIP,
    'status.hostIP': placement.hostIP,
    'status.hostIPs': placement.hostIP,
  };
  return fixed[fieldPath];
}
