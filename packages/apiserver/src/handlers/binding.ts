// Binding (`POST …/pods/P/binding` or `…/bindings`): assigns a pod to a node, once, after admission (a CREATE of
// the pods/binding subresource, so NamespaceLifecycle and NodeRestriction have their say).
import { ApiError, badRequest, notFound, nowTimestamp, successStatus, type KubeObject } from '@hubspoke/api';
import type { AdmissionChain } from '../admission/chain.ts';
import { admissionAttributes, type RestTarget } from '../registry/context.ts';
import type { MemoryStorage } from '../storage/memory.ts';

/** One binding request. */
export interface BindingRequest {
  storage: MemoryStorage;
  admission: AdmissionChain;
  /** `pods` + `binding` with the pod's name, or `bindings` with the Binding's name; and the requester. */
  target: RestTarget;
  podName: string;
  body: KubeObject;
}

/** Bind the pod to the body's target node. */
export async function bindPod(request: BindingRequest): Promise<unknown> {
  const { storage, body, podName } = request;
  const namespace = request.target.namespace ?? '';
  const attrs = {
    ...admissionAttributes(request.target, 'CREATE', false),
    kind: { group: '', version: 'v1', kind: 'Binding' },
    object: body,
  };
  await request.admission.admit(attrs);
  await request.admission.validate(attrs);
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
