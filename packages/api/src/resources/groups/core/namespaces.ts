// core/v1 namespaces: DNS-1123 label names, the `kubernetes` finalizer, and the
// `kubernetes.io/metadata.name` label the apiserver keeps equal to the name (so selectors can pick namespaces).
import type { FieldError } from '../../../errors.ts';
import { invalidValue } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import type { ResourceDefinition, TablePrinter } from '../../../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from '../../columns.ts';
import { arr, ensure, str } from '../../json.ts';
import { ageSince } from '../../duration.ts';
import { isQualifiedName, nameIsDNSLabel, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/index.ts';
import { NO_DELETECOLLECTION_VERBS } from '../verbs.ts';

/** The label every namespace carries with its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

function defaultNamespace(ns: KubeObject): void {
  if (ns.metadata.name) ns.metadata.labels = { ...ns.metadata.labels, [NAMESPACE_NAME_LABEL]: ns.metadata.name };
  const spec = ensure(ns, 'spec');
  if (!Array.isArray(spec.finalizers)) spec.finalizers = ['kubernetes'];
  const status = ensure(ns, 'status');
  status.phase ||= 'Active';
}

function validateNamespace(ns: KubeObject, old?: KubeObject): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, name: nameIsDNSLabel });
  for (const f of arr<string>(ns, 'spec', 'finalizers')) {
    if (!f.includes('/') && !STANDARD_FINALIZERS.includes(f)) {
      errs.push(invalidValue('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'));
    } else {
      for (const msg of isQualifiedName(f)) errs.push(invalidValue('spec.finalizers', f, msg));
    }
  }
  if (old) errs.push(...validateObjectMetaUpdate(ns.metadata, old.metadata));
  return errs;
}

/** Kubernetes' namespace columns: Name, Status, Age. */
export const namespacePrinter: TablePrinter = {
  columns: [NAME_COLUMN, column('Status', 'The status of the namespace'), AGE_COLUMN],
  cells: (ns, now) => [ns.metadata?.name ?? '', str(ns, 'status', 'phase'), ageSince(ns.metadata?.creationTimestamp, now)],
};

/** `namespaces` (ns): `finalize` is how the namespace controller removes the `kubernetes` finalizer. */
export const namespaces: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  verbs: NO_DELETECOLLECTION_VERBS,
  subresources: ['finalize', 'status'],
  table: namespacePrinter,
  defaults: defaultNamespace,
  validate: validateNamespace,
  // `name` is a legacy field label namespaces still accept beside metadata.name.
  fields: (ns) => ({ 'status.phase': str(ns, 'status', 'phase'), name: ns.metadata?.name ?? '' }),
};
