// Binding (`POST …/pods/P/binding` or `…/bindings`): assigns a pod to a node, once.
import { ApiError, badRequest, notFound, nowTimestamp, successStatus, type KubeObject } from '@hubspoke/api';
import type { MemoryStorage } from '../storage/memory.ts';

/** Bind `namespace/podName` to the body's target node. */
export async function bindPod(storage: MemoryStorage, namespace: string, podName: string, body: KubeObject): Promise<unknown> {
  const target = body.target as { kind?: string; name?: string } | undefined;
  if (!target?.name) throw badRequest('target.name: Required value');
  if (target.kind && target.kind !== 'Node') throw badRequest(`target.kind: Unsupported value: "${target.kind}": supported values: "Node"`);
  try {
    await storage.update('pods', namespace, podName, (pod) => {
      const spec = (pod.spec ?? {}) as { nodeName?: string };
      if (pod.metadata.deletionTimestamp) {
        throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${podName}": pod ${podName} is being deleted, cannot be assigned to a host`);
      }
      if (spec.nodeName) {
        throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${podName}": pod ${podName} is already assigned to node "${spec.nodeName}"`);
      }
      const status = (pod.status ?? {}) as { conditions?: unknown[] };
      const conditions = (status.conditions ?? []).filter((c) => (c as { type?: string }).type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp() });
      return { ...pod, spec: { ...spec, nodeName: target.name }, status: { ...status, conditions } };
    });
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) throw notFound({ group: '', resource: 'pods' }, podName);
    throw err;
  }
  return { ...successStatus(), code: 201 };
}
