// core/v1 secrets: `type` defaults to Opaque and is immutable; `stringData` is write-only convenience that
// the apiserver folds into base64 `data` before storing; typed secrets must carry their required keys.
import type { FieldError } from '../../../errors.ts';
import { invalidValue, required } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import type { ResourceDefinition, TablePrinter } from '../../../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from '../../columns.ts';
import { ageSince } from '../../duration.ts';
import { rec, str } from '../../json.ts';
import { FIELD_IMMUTABLE, nameIsDNSSubdomain, tooLong, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/index.ts';
import { ALL_VERBS } from '../verbs.ts';
import { MAX_DATA_SIZE, dataSize, validateDataKeys, validateImmutableData } from './data-keys.ts';

/** Keys a secret of each type must have in `data`. */
const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

function defaultSecret(obj: KubeObject): void {
  obj.type ||= 'Opaque';
  const stringData = rec(obj, 'stringData');
  if (Object.keys(stringData).length > 0) {
    const data = { ...rec(obj, 'data') };
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString('base64');
    obj.data = data;
  }
  delete obj.stringData;
}

function validateSecret(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  errs.push(...validateDataKeys(obj, 'data'));
  const data = rec(obj, 'data');
  if (dataSize(data, true) > MAX_DATA_SIZE) errs.push(tooLong('data', MAX_DATA_SIZE));
  const type = str(obj, 'type');
  for (const key of REQUIRED_KEYS[type] ?? []) if (!(key in data)) errs.push(required(`data[${key}]`, ''));
  if (type === 'kubernetes.io/service-account-token' && !obj.metadata?.annotations?.['kubernetes.io/service-account.name']) {
    errs.push(required('metadata.annotations[kubernetes.io/service-account.name]', ''));
  }
  if (old) {
    errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    if (str(old, 'type') !== type) errs.push(invalidValue('type', type, FIELD_IMMUTABLE));
    errs.push(...validateImmutableData(obj, old, ['data']));
  }
  return errs;
}

/** Kubernetes' secret columns: Name, Type, Data (number of keys), Age. */
export const secretPrinter: TablePrinter = {
  columns: [NAME_COLUMN, column('Type', { doc: 'Secret.type' }), column('Data', { doc: 'Secret.data' }), AGE_COLUMN],
  cells: (obj, now) => [
    obj.metadata?.name ?? '',
    str(obj, 'type'),
    Object.keys(rec(obj, 'data')).length,
    ageSince(obj.metadata?.creationTimestamp, now),
  ],
};

/** `secrets`: `type` is selectable (bootstrap tokens are found with `type=bootstrap.kubernetes.io/token`). */
export const secrets: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  listKind: 'SecretList',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  verbs: ALL_VERBS,
  table: secretPrinter,
  defaults: defaultSecret,
  validate: validateSecret,
  fields: (obj) => ({ type: str(obj, 'type') }),
};
