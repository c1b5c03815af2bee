// Namespaces: deleting one marks it Terminating; the namespace controller empties and then removes it. (That
// `default`, `kube-system` and `kube-public` may not be deleted is the NamespaceLifecycle admission plugin's rule.)
import type { KubeObject } from '@hubspoke/api';
import type { Strategy } from '../strategy.ts';

/** The namespaces strategy. */
export const namespaceStrategy: Strategy = {
  hasStatus: true,
  returnDeletedObject: true,
  prepareForCreate(obj: KubeObject) {
    obj.status = { phase: 'Active' };
  },
  deletePlan() {
    return { kind: 'mark' };
  },
  onMarkedForDeletion(obj: KubeObject) {
    obj.status = { ...((obj.status as object) ?? {}), phase: 'Terminating' };
  },
};
