// coordination.k8s.io/v1 leases: node heartbeats live in `kube-node-lease/<node>`. HOLDER shows who renews it.
import type { FieldError } from '../../errors.ts';
import { invalidValue } from '../../errors.ts';
import type { KubeObject } from '../../meta.ts';
import type { ResourceDefinition, TablePrinter } from '../../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from '../columns.ts';
import { ageSince } from '../duration.ts';
import { get, str } from '../json.ts';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../validation/index.ts';
import { ALL_VERBS } from './verbs.ts';

function validateLease(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const duration = get(obj, 'spec', 'leaseDurationSeconds');
  if (typeof duration === 'number' && duration <= 0) {
    errs.push(invalidValue('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  }
  const transitions = get(obj, 'spec', 'leaseTransitions');
  if (typeof transitions === 'number' && transitions < 0) {
    errs.push(invalidValue('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  }
  if (old) errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  return errs;
}

/** Kubernetes' lease columns: Name, Holder, Age. */
export const leasePrinter: TablePrinter = {
  columns: [NAME_COLUMN, column('Holder', { doc: 'LeaseSpec.holderIdentity' }), AGE_COLUMN],
  cells: (obj, now) => [obj.metadata?.name ?? '', str(obj, 'spec', 'holderIdentity'), ageSince(obj.metadata?.creationTimestamp, now)],
};

/** `leases.coordination.k8s.io`. */
export const leases: ResourceDefinition = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  listKind: 'LeaseList',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  verbs: ALL_VERBS,
  table: leasePrinter,
  validate: validateLease,
};
