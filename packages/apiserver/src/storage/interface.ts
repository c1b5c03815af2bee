// The storage contract the REST handlers and controllers use. The in-memory store implements it; a durable
// backend (etcd, SQLite) can implement it later without touching handlers. Semantics follow the apiserver's
// etcd3 store: one cluster-wide resourceVersion counter, optimistic concurrency, watch from a revision.
import type { KubeObject, WatchEventType } from '@hubspoke/api';

/** Names one stored resource type: `pods`, `roles.rbac.authorization.k8s.io`. */
export type ResourceKey = string;

/** Selects objects for list and watch. */
export interface ListOptions {
  /** Only this namespace; absent = all namespaces. */
  namespace?: string;
  /** Extra filter (label and field selectors compiled by the caller). */
  predicate?: (obj: KubeObject) => boolean;
  /** Page size; absent or 0 = everything. */
  limit?: number;
  /** Opaque token from a previous page's `continue`. */
  continue?: string;
}

/** One page of a list. */
export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  /** Set when more items follow. */
  continue?: string;
  remainingItemCount?: number;
}

/** A change delivered to a watcher; `object` carries its new resourceVersion (for DELETED: the deletion's). */
export interface StorageEvent {
  type: Exclude<WatchEventType, 'ERROR' | 'BOOKMARK'>;
  object: KubeObject;
  /** For MODIFIED: the object before the change (used to emit DELETED/ADDED when a filter stops/starts matching). */
  previous?: KubeObject;
}

/** Options for watch. */
export interface WatchOptions {
  namespace?: string;
  predicate?: (obj: KubeObject) => boolean;
  /**
   * Start after this revision. `undefined` or `"0"`: first a synthetic ADDED for every current object, then
   * changes. A revision older than the retained history → `gone` (410).
   */
  resourceVersion?: string;
}

/** A running watch; `stop()` is idempotent. */
export interface Watch {
  stop(): void;
}

/** Called with the current object (a copy) and returns the new one; throw ApiError to abort. */
export type UpdateFn = (current: KubeObject) => KubeObject | Promise<KubeObject>;

/** Preconditions on delete (`metav1.Preconditions`). */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** The store. All objects passed in or out are copies the caller may keep. */
export interface Storage {
  /** Store a new object; sets resourceVersion. Rejects with AlreadyExists. */
  create(key: ResourceKey, obj: KubeObject): Promise<KubeObject>;
  get(key: ResourceKey, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  list(key: ResourceKey, opts?: ListOptions): Promise<ListResult>;
  /**
   * Read-modify-write with retries (`GuaranteedUpdate`). If `expectedResourceVersion` is given and differs
   * from the stored one, rejects with Conflict. Rejects with NotFound for a missing object.
   */
  update(
    key: ResourceKey,
    namespace: string | undefined,
    name: string,
    fn: UpdateFn,
    expectedResourceVersion?: string,
  ): Promise<KubeObject>;
  /** Remove an object; returns it as it was, with the deletion's resourceVersion. */
  delete(key: ResourceKey, namespace: string | undefined, name: string, pre?: Preconditions): Promise<KubeObject>;
  watch(key: ResourceKey, opts: WatchOptions, onEvent: (e: StorageEvent) => void): Watch;
  /** The newest resourceVersion in the store. */
  currentResourceVersion(): string;
}

/** Synchronous reads for authorizers and controllers that run beside an in-memory copy (like informers). */
export interface SyncReader {
  peek(key: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined;
  peekList(key: ResourceKey, namespace?: string): KubeObject[];
}
