// Keys of ConfigMap and Secret data: they become file names when mounted, so they follow IsConfigMapKey.
import type { FieldError } from '../../../errors.ts';
import { forbiddenField, invalidValue } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import { rec } from '../../json.ts';
import { isConfigMapKey, semanticEqual } from '../../validation/index.ts';

/** 1 MiB: the most a ConfigMap or Secret may hold (`core.MaxSecretSize`). */
export const MAX_DATA_SIZE = 1024 * 1024;

/** Problems with the keys of `obj[field]`; `field` is `data`, `binaryData` or `stringData`. */
export function validateDataKeys(obj: KubeObject, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of Object.keys(rec(obj, field))) {
    for (const msg of isConfigMapKey(key)) errs.push(invalidValue(`${field}[${key}]`, key, msg));
  }
  return errs;
}

/** Once `immutable: true` is stored, data and the flag itself are frozen. */
export function validateImmutableData(obj: KubeObject, old: KubeObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbiddenField('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    if (!semanticEqual(obj[f], old[f])) errs.push(forbiddenField(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
}

/** Total bytes of string values (base64 is decoded first when `base64` is set). */
export function dataSize(values: Record<string, unknown>, base64: boolean): number {
  let size = 0;
  for (const v of Object.values(values)) {
    if (typeof v !== 'string') continue;
    size += base64 ? Buffer.from(v, 'base64').length : Buffer.byteLength(v);
  }
  return size;
}
