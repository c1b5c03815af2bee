// core/v1 configmaps: valid keys, no key in both data and binaryData, at most 1 MiB.
import type { FieldError } from '../../../errors.ts';
import { invalidValue } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import type { ResourceDefinition, TablePrinter } from '../../../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from '../../columns.ts';
import { ageSince } from '../../duration.ts';
import { rec } from '../../json.ts';
import { nameIsDNSSubdomain, tooLong, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/index.ts';
import { ALL_VERBS } from '../verbs.ts';
import { MAX_DATA_SIZE, dataSize, validateDataKeys, validateImmutableData } from './data-keys.ts';

function validateConfigMap(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  errs.push(...validateDataKeys(obj, 'data'));
  const binary = rec(obj, 'binaryData');
  for (const key of Object.keys(rec(obj, 'data'))) {
    if (key in binary) errs.push(invalidValue(`data[${key}]`, key, 'duplicate of key present in binaryData'));
  }
  errs.push(...validateDataKeys(obj, 'binaryData'));
  if (dataSize(rec(obj, 'data'), false) + dataSize(binary, true) > MAX_DATA_SIZE) errs.push(tooLong('', MAX_DATA_SIZE));
  if (old) {
    errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    errs.push(...validateImmutableData(obj, old, ['data', 'binaryData']));
  }
  return errs;
}

/** Kubernetes' configmap columns: Name, Data (number of keys), Age. */
export const configMapPrinter: TablePrinter = {
  columns: [NAME_COLUMN, column('Data', { doc: 'ConfigMap.data' }), AGE_COLUMN],
  cells: (obj, now) => [
    obj.metadata?.name ?? '',
    Object.keys(rec(obj, 'data')).length + Object.keys(rec(obj, 'binaryData')).length,
    ageSince(obj.metadata?.creationTimestamp, now),
  ],
};

/** `configmaps` (cm). */
export const configmaps: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  verbs: ALL_VERBS,
  table: configMapPrinter,
  validate: validateConfigMap,
};
