// Pods: status starts Pending; a pod bound to a node is deleted gracefully (its kubelet finishes the delete
// with gracePeriodSeconds=0 once the containers are stopped); unbound or finished pods go at once.
import type { KubeObject } from '@hubspoke/api';
import type { Strategy } from '../strategy.ts';

interface PodShape {
  spec?: { nodeName?: string; terminationGracePeriodSeconds?: number };
  status?: { phase?: string };
}

/** The pods strategy. */
export const podStrategy: Strategy = {
  hasStatus: true,
  returnDeletedObject: true,
  prepareForCreate(obj: KubeObject) {
    obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
  },
  deletePlan(obj: KubeObject, requested: number | undefined) {
    const pod = obj as unknown as PodShape;
    if (!pod.spec?.nodeName) return { kind: 'now' };
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return { kind: 'now' };
    const grace = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    // A negative grace period means "use the default" in Kubernetes; 0 asks for immediate removal.
    const effective = grace < 0 ? 1 : grace;
    return effective === 0 ? { kind: 'now' } : { kind: 'graceful', graceSeconds: effective };
  },
};
