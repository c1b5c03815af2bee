// Building blocks for Table printers: the Name and Age columns every kind shares, a column constructor that
// takes its description from the API field docs, and small cell formatters kubectl users know (`<none>`).
import type { ColumnDefinition } from '../resource.ts';
import type { DocumentedField } from './field-docs.ts';
import { FIELD_DOCS } from './field-docs.ts';

/** The `Name` column, described as Kubernetes does (ObjectMeta's `name` doc). */
export const NAME_COLUMN: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: FIELD_DOCS['ObjectMeta.name'],
  priority: 0,
};

/** The `Age` column (ObjectMeta's `creationTimestamp` doc). */
export const AGE_COLUMN: ColumnDefinition = {
  name: 'Age',
  type: 'string',
  format: '',
  description: FIELD_DOCS['ObjectMeta.creationTimestamp'],
  priority: 0,
};

/** Options of one column. */
export interface ColumnOptions {
  type?: ColumnDefinition['type'];
  /** 1 = only with `-o wide`. */
  priority?: number;
  format?: string;
}

/** A column whose description is either literal text or a documented API field (`'PodSpec.nodeName'`). */
export function column(name: string, description: string | { doc: DocumentedField }, opts: ColumnOptions = {}): ColumnDefinition {
  return {
    name,
    type: opts.type ?? 'string',
    format: opts.format ?? '',
    description: typeof description === 'string' ? description : FIELD_DOCS[description.doc],
    priority: opts.priority ?? 0,
  };
}

/** The value, or `<none>` when empty. */
export function orNone(value: string | undefined | null): string {
  return value ? value : '<none>';
}

/** `labels.FormatLabels`: `a=1,b=2` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** The first `max` items joined by commas, then ` + N more...` as kubectl abbreviates long lists. */
export function listWithMore(items: string[], max: number, emptyText: string): string {
  if (items.length === 0) return emptyText;
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}
