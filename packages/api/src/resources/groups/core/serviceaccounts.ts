// core/v1 serviceaccounts: the identity pods run as; tokens are minted through the `token` subresource
// (TokenRequest) rather than stored in secrets.
import type { FieldError } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import type { ResourceDefinition, TablePrinter } from '../../../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from '../../columns.ts';
import { ageSince } from '../../duration.ts';
import { arr } from '../../json.ts';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/index.ts';
import { ALL_VERBS } from '../verbs.ts';

function validateServiceAccount(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  if (old) errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  return errs;
}

/** Kubernetes' serviceaccount columns: Name, Secrets (count), Age. */
export const serviceAccountPrinter: TablePrinter = {
  columns: [NAME_COLUMN, column('Secrets', { doc: 'ServiceAccount.secrets' }), AGE_COLUMN],
  cells: (obj, now) => [obj.metadata?.name ?? '', arr(obj, 'secrets').length, ageSince(obj.metadata?.creationTimestamp, now)],
};

/** `serviceaccounts` (sa). */
export const serviceaccounts: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  listKind: 'ServiceAccountList',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  verbs: ALL_VERBS,
  subresources: ['token'],
  table: serviceAccountPrinter,
  validate: validateServiceAccount,
};
