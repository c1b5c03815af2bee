// Namespaces: deleting one marks it Terminating; the namespace controller empties and then removes it.
// The namespaces the control plane needs may not be deleted.
import { forbidden, type KubeObject } from '@hubspoke/api';
import type { Strategy } from '../strategy.ts';

const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

/** The namespaces strategy. */
export const namespaceStrategy: Strategy = {
  hasStatus: true,
  returnDeletedObject: true,
  prepareForCreate(obj: KubeObject) {
    obj.status = { phase: 'Active' };
  },
  deletePlan(obj: KubeObject) {
    const name = obj.metadata.name ?? '';
    if (IMMORTAL.has(name)) {
      throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    }
    return { kind: 'mark' };
  },
  onMarkedForDeletion(obj: KubeObject) {
    obj.status = { ...((obj.status as object) ?? {}), phase: 'Terminating' };
  },
};
