// Whether this proxy's Node should still receive traffic, as kube-proxy's /healthz reports it: not once the
// Node is being deleted, nor once the cluster autoscaler has tainted it for deletion. A Node that was never
// seen counts as eligible (kube-proxy starts out eligible too).
import type { KubeObject } from '@hubspoke/api';
import { listAndWatch } from '@hubspoke/client';
import type { ApiClient, BackoffOptions } from '@hubspoke/client';
import type { Logger } from 'pino';

/** The taint the cluster autoscaler puts on a Node it is about to delete. */
export const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';

/** A watch on one Node's eligibility. */
export interface NodeEligibility {
  eligible(): boolean;
  stop(): Promise<void>;
}

/** Whether `node` may still receive traffic. */
export function isNodeEligible(node: KubeObject): boolean {
  if (node.metadata.deletionTimestamp) return false;
  const taints = (node.spec as { taints?: Array<{ key?: string }> } | undefined)?.taints ?? [];
  return !taints.some((t) => t.key === TO_BE_DELETED_TAINT);
}

/** Follows the Node named `nodeName`. */
export function watchNodeEligibility(
  client: ApiClient,
  nodeName: string,
  opts: { logger: Logger; backoff?: BackoffOptions },
): NodeEligibility {
  let eligible = true;
  const informer = listAndWatch(
    client,
    '/api/v1/nodes',
    {
      fieldSelector: `metadata.name=${nodeName}`,
      backoff: opts.backoff,
      onError: (err) => opts.logger.warn({ err: (err as Error).message, node: nodeName }, 'Failed to list or watch the node'),
    },
    {
      onAdd: (node) => (eligible = isNodeEligible(node)),
      onUpdate: (node) => (eligible = isNodeEligible(node)),
      onDelete: () => (eligible = false),
    },
  );
  return { eligible: () => eligible, stop: () => informer.stop() };
}
