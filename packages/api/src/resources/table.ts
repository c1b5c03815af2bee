// Server-side printing: a `meta.k8s.io/v1` Table of objects, as the apiserver answers
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. The apiserver always prints wide (all columns);
// kubectl hides priority-1 columns unless `-o wide`.
import type { ColumnDefinition, ResourceDefinition, TablePrinter } from '../resource.ts';
import { apiVersionOf } from '../resource.ts';
import type { KubeObject, ListMeta, ObjectMeta } from '../meta.ts';
import { NAME_COLUMN } from './columns.ts';
import { FIELD_DOCS } from './field-docs.ts';

/** `metav1.TableRowCondition` (only `Completed` is used, for finished pods). */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** A TablePrinter that may also mark rows with conditions. */
export interface RowConditionPrinter extends TablePrinter {
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}

/** `metav1.PartialObjectMetadata`, the row object kubectl reads namespaces and labels from. */
export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

/** `metav1.TableRow`. */
export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  /** `null` when includeObject=None, as the apiserver serializes an empty RawExtension. */
  object: PartialObjectMetadata | KubeObject | null;
}

/** `metav1.Table`. */
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ListMeta;
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

/** `includeObject` of `metav1.TableOptions`. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** How to build a Table. */
export interface ToTableOptions {
  /** The clock ages are measured against. */
  now?: Date;
  /** Default `Metadata`. */
  includeObject?: IncludeObject;
  /** The list's resourceVersion/continue, copied to the Table's metadata. */
  listMeta?: ListMeta;
  /** Omit column definitions (watch events after the first). */
  noHeaders?: boolean;
}

/**
 * The apiserver's default printer for kinds without their own: Name and `Created At` (an RFC 3339 date that
 * kubectl shows as `CREATED AT`), as rest.NewDefaultTableConvertor prints Roles and ClusterRoles.
 */
export const defaultTablePrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    {
      name: 'Created At',
      type: 'date',
      format: '',
      description: FIELD_DOCS['ObjectMeta.creationTimestamp'],
      priority: 0,
    },
  ],
  cells: (obj) => [obj.metadata?.name ?? '', rfc3339(obj.metadata?.creationTimestamp)],
};

// Go formats the zero time too, so an object without a timestamp shows year 1.
function rfc3339(timestamp: string | undefined): string {
  const ms = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isNaN(ms) ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The objects of one kind as a Table, with the kind's printer or the default one. */
export function toTable(def: ResourceDefinition, objects: KubeObject[], opts: ToTableOptions = {}): Table {
  const printer: RowConditionPrinter = def.table ?? defaultTablePrinter;
  const now = opts.now ?? new Date();
  const include = opts.includeObject ?? 'Metadata';
  const rows = objects.map((obj): TableRow => {
    const row: TableRow = { cells: printer.cells(obj, now), object: rowObject(def, obj, include) };
    const conditions = printer.conditions?.(obj);
    if (conditions && conditions.length > 0) row.conditions = conditions;
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { ...(opts.listMeta ?? {}) },
    columnDefinitions: opts.noHeaders ? [] : printer.columns,
    rows,
  };
}

function rowObject(def: ResourceDefinition, obj: KubeObject, include: IncludeObject): TableRow['object'] {
  if (include === 'None') return null;
  if (include === 'Object') return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(def), kind: obj.kind ?? def.kind };
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}
