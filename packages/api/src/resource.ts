// What the apiserver needs to know about one kind of resource: its names for discovery, how it prints as a
// Table, how it is defaulted and validated, and which fields selectors may use. Handlers are generic; all
// per-kind behaviour lives in these definitions.
import type { FieldError } from './errors.ts';
import type { KubeObject } from './meta.ts';

/** `metav1.TableColumnDefinition`. */
export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0 = always shown; 1 = shown with `-o wide`. */
  priority: number;
}

/** How a kind prints in `kubectl get`. */
export interface TablePrinter {
  columns: ColumnDefinition[];
  /** One row's cells, in column order. `now` makes ages deterministic in tests. */
  cells(obj: KubeObject, now: Date): unknown[];
}

/** A kind's behaviour in the generic REST handlers. */
export interface ResourceDefinition {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** The resource name in URLs: `pods`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Verbs advertised in discovery and allowed by the handlers. */
  verbs: string[];
  /** Subresources served by the generic handlers or by dedicated ones: `status`, `binding`, `log`, … */
  subresources?: string[];
  /** A create-only review kind (TokenReview, SubjectAccessReview…): nothing is stored. */
  virtual?: boolean;
  table?: TablePrinter;
  /** Fill defaulted fields in place on create (and update). */
  defaults?(obj: KubeObject): void;
  /** Field problems of an object about to be stored; `old` is given on update. */
  validate?(obj: KubeObject, old?: KubeObject): FieldError[];
  /** The values field selectors can match (beyond metadata.name and metadata.namespace). */
  fields?(obj: KubeObject): Record<string, string>;
}

/** `apiVersion` of a definition: `v1` or `rbac.authorization.k8s.io/v1`. */
export function apiVersionOf(def: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
