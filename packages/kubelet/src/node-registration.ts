// Registration: the kubelet creates its Node object (or reconciles the one that already exists), the way
// Kubernetes' tryRegisterWithAPIServer does, retrying until the apiserver answers.
import type { KubeObject } from '@hubspoke/api';
import { ApiError, nowTimestamp } from '@hubspoke/api';
import type { ApiClient } from '@hubspoke/client';
import { ExponentialBackoff, resourcePath, sleep } from '@hubspoke/client';
import type { Logger } from 'pino';
import type { NodeSystemInfo } from './node-info.ts';

/** Everything the Node object says about this kubelet. */
export interface NodeDescription {
  nodeName: string;
  nodeIP: string;
  /** The kubelet's actual HTTPS port (daemonEndpoints.kubeletEndpoint.Port). */
  port: number;
  podCIDR?: string;
  labels: Record<string, string>;
  systemInfo: NodeSystemInfo;
  capacity: Record<string, string>;
  images: Array<{ names: string[]; sizeBytes: number }>;
}

/** A node condition (`v1.NodeCondition`). */
export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastHeartbeatTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

const HEALTHY_CONDITIONS: Array<Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>> = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/** The well-known labels plus `--node-labels`. */
export function nodeLabels(d: Pick<NodeDescription, 'nodeName' | 'labels' | 'systemInfo'>): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': d.systemInfo.architecture,
    'beta.kubernetes.io/os': d.systemInfo.operatingSystem,
    'kubernetes.io/arch': d.systemInfo.architecture,
    'kubernetes.io/hostname': d.nodeName,
    'kubernetes.io/os': d.systemInfo.operatingSystem,
    ...d.labels,
  };
}

/**
 * The Node's status at `now`. Conditions keep the transition time they had in `previous` when their status
 * did not change, so only the heartbeat moves.
 */
export function nodeStatus(d: NodeDescription, now: Date, previous: NodeCondition[] = []): Record<string, unknown> {
  const stamp = nowTimestamp(now);
  const conditions: NodeCondition[] = HEALTHY_CONDITIONS.map((c) => {
    const old = previous.find((p) => p.type === c.type);
    const lastTransitionTime = old && old.status === c.status ? old.lastTransitionTime : stamp;
    return { ...c, lastHeartbeatTime: stamp, lastTransitionTime };
  });
  return {
    capacity: d.capacity,
    allocatable: d.capacity,
    conditions,
    addresses: [
      { type: 'InternalIP', address: d.nodeIP },
      { type: 'Hostname', address: d.nodeName },
    ],
    // Kubernetes' DaemonEndpoint marshals its field as `Port`, capitalised.
    daemonEndpoints: { kubeletEndpoint: { Port: d.port } },
    nodeInfo: d.systemInfo,
    images: d.images,
  };
}

/** The Node object to create. */
export function buildNode(d: NodeDescription, now: Date): KubeObject {
  const spec: Record<string, unknown> = {};
  if (d.podCIDR) {
    spec.podCIDR = d.podCIDR;
    spec.podCIDRs = [d.podCIDR];
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: d.nodeName,
      labels: nodeLabels(d),
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec,
    status: nodeStatus(d, now),
  };
}

/** How registration waits and logs. */
export interface RegisterOptions {
  logger: Logger;
  signal: AbortSignal;
  /** Kubernetes retries from 100 ms doubling to 7 s. */
  backoff?: { initialMs: number; maxMs: number };
}

/**
 * Creates the Node, or, when it exists, merges our labels and pod CIDR into it and replaces its status.
 * Retries until it succeeds or `signal` aborts; resolves with the stored Node (undefined if aborted).
 */
export async function registerNode(client: ApiClient, node: KubeObject, opts: RegisterOptions): Promise<KubeObject | undefined> {
  const backoff = new ExponentialBackoff(opts.backoff ?? { initialMs: 100, maxMs: 7_000 });
  const name = node.metadata.name!;
  while (!opts.signal.aborted) {
    try {
      const created = await client.create<KubeObject>(resourcePath({ version: 'v1', resource: 'nodes' }), node);
      opts.logger.info({ node: name }, 'Successfully registered node');
      return created;
    } catch (err) {
      if (err instanceof ApiError && err.code === 409) {
        try {
          return await reconcileExisting(client, node, opts.logger);
        } catch (reconcileErr) {
          opts.logger.warn({ err: reconcileErr }, 'Unable to reconcile existing node');
        }
      } else {
        opts.logger.warn({ err }, 'Unable to register node with API server');
      }
    }
    await sleep(backoff.next(), opts.signal);
  }
  return undefined;
}

async function reconcileExisting(client: ApiClient, node: KubeObject, logger: Logger): Promise<KubeObject> {
  const name = node.metadata.name!;
  const path = resourcePath({ version: 'v1', resource: 'nodes', name });
  const existing = await client.get<KubeObject>(path);
  const spec = (existing.spec ?? {}) as Record<string, unknown>;
  const wanted = (node.spec ?? {}) as Record<string, unknown>;
  const patch: Record<string, unknown> = { metadata: { labels: node.metadata.labels } };
  // The pod CIDR is immutable once set; only fill it in when the stored Node has none.
  if (wanted.podCIDR && !spec.podCIDR) patch.spec = { podCIDR: wanted.podCIDR, podCIDRs: wanted.podCIDRs };
  await client.patch(path, patch, 'merge');
  const updated = await client.patch<KubeObject>(`${path}/status`, { status: node.status }, 'merge');
  logger.info({ node: name }, 'Node was previously registered');
  return updated;
}
