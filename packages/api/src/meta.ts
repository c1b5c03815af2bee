// The shapes every API object shares (apimachinery's ObjectMeta, TypeMeta, ListMeta). Objects stay plain
// JSON: handlers never mutate a stored object, they copy it.

/** `metav1.OwnerReference`. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** `metav1.ManagedFieldsEntry` (stored as given). */
export type ManagedFieldsEntry = Record<string, unknown>;

/** `metav1.ObjectMeta`. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
}

/** Any API object: TypeMeta plus ObjectMeta plus whatever its kind carries. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** `metav1.ListMeta`. */
export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/** A `…List` object. */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

/** Watch event types on the wire. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One watch event as the apiserver streams it (one JSON object per line). */
export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

/** RFC 3339 with seconds, as metav1.Time marshals. */
export function nowTimestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 with microseconds (`metav1.MicroTime`, used by Leases and Events). */
export function nowMicroTimestamp(date = new Date()): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

/** A deep copy of a JSON object. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
