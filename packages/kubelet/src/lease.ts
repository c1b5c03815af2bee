// The node heartbeat Lease `kube-node-lease/<node>` (coordination.k8s.io/v1): created once, then renewed
// with a PUT carrying the last resourceVersion; a conflict means someone else wrote it, so re-read and retry.
import type { KubeObject } from '@hubspoke/api';
import { ApiError, nowMicroTimestamp } from '@hubspoke/api';
import type { ApiClient } from '@hubspoke/client';
import { ExponentialBackoff, resourcePath, sleep } from '@hubspoke/client';
import type { Logger } from 'pino';

/** The namespace Kubernetes keeps node leases in. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** What the lease controller needs. */
export interface LeaseControllerOptions {
  client: ApiClient;
  nodeName: string;
  leaseDurationSeconds: number;
  renewIntervalMs: number;
  logger: Logger;
  /** The registered Node, which owns the Lease (so deleting the Node deletes it). */
  nodeUid?: string;
}

/** A running lease controller. */
export interface LeaseController {
  /** Resolves once the Lease exists with a fresh renewTime. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/** Creates or takes over the node Lease, then renews it every renewIntervalMs until stopped. */
export function startLeaseController(opts: LeaseControllerOptions): LeaseController {
  const controller = new AbortController();
  const path = resourcePath({
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    namespace: NODE_LEASE_NAMESPACE,
    name: opts.nodeName,
  });
  const collection = resourcePath({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: NODE_LEASE_NAMESPACE });
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let current: KubeObject | undefined;

  const desired = (base?: KubeObject): KubeObject => {
    const lease: KubeObject = base
      ? structuredClone(base)
      : { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: opts.nodeName, namespace: NODE_LEASE_NAMESPACE } };
    if (opts.nodeUid) {
      lease.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: opts.nodeName, uid: opts.nodeUid }];
    }
    lease.spec = {
      ...((lease.spec as object | undefined) ?? {}),
      holderIdentity: opts.nodeName,
      leaseDurationSeconds: opts.leaseDurationSeconds,
      renewTime: nowMicroTimestamp(),
    };
    return lease;
  };

  const ensure = async (): Promise<KubeObject> => {
    try {
      return await opts.client.update<KubeObject>(path, desired(await opts.client.get<KubeObject>(path)));
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
      return opts.client.create<KubeObject>(collection, desired());
    }
  };

  const renew = async (): Promise<KubeObject> => {
    if (!current) return ensure();
    try {
      return await opts.client.update<KubeObject>(path, desired(current));
    } catch (err) {
      // Conflict: our copy is stale. NotFound: someone deleted it. Both heal by reading (or recreating).
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) return ensure();
      throw err;
    }
  };

  const loop = (async () => {
    // Kubernetes retries a failed renewal from 200 ms doubling to 7 s before the next regular interval.
    const retry = new ExponentialBackoff({ initialMs: Math.min(200, opts.renewIntervalMs), maxMs: 7_000 });
    while (!controller.signal.aborted) {
      try {
        current = await renew();
        markReady();
        retry.reset();
        await sleep(opts.renewIntervalMs, controller.signal);
      } catch (err) {
        if (controller.signal.aborted) break;
        opts.logger.warn({ err }, 'Failed to update lease');
        current = undefined;
        await sleep(retry.next(), controller.signal);
      }
    }
  })();

  return {
    ready,
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}
