// The in-memory store, with the semantics of the apiserver's etcd3 store and watch cache: one cluster-wide
// revision counter, optimistic concurrency, no-op updates that write nothing, key-ordered paged lists, and
// watches that resume from a revision. Every stored object is a frozen private version; callers of the
// Storage methods get copies, SyncReader callers get the frozen versions themselves (no copy, read-only).
import {
  alreadyExists,
  badRequest,
  conflict,
  gone,
  notFound,
  STALE_OBJECT_MESSAGE,
  type KubeObject,
} from '@hubspoke/api';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { groupResourceOf } from './group-resource.ts';
import type {
  ListOptions,
  ListResult,
  Preconditions,
  ResourceKey,
  Storage,
  StorageEvent,
  SyncReader,
  UpdateFn,
  Watch,
  WatchOptions,
} from './interface.ts';
import { copyJson, deepFreeze, sameExceptResourceVersion, withResourceVersion } from './object-copy.ts';
import { ObjectTable, type IndexFn } from './object-table.ts';
import { WatchCache, type WatcherBucket } from './watch-cache.ts';
import { Watcher, type MemoryWatch, type WatchClose } from './watcher.ts';

export type { MemoryWatch, WatchClose } from './watcher.ts';
export type { IndexFn } from './object-table.ts';

/** Tuning of the store. */
export interface MemoryStorageOptions {
  /** Changes remembered per resource for watches that resume from a revision. Default 10,000. */
  historyCapacity?: number;
  /** Undelivered events a watcher may accumulate before the store closes it. Default 10,000. */
  watcherQueueCapacity?: number;
}

/** WatchOptions plus the store's fast path: only objects whose index `name` has `value` (before or after). */
export interface MemoryWatchOptions extends WatchOptions {
  index?: { name: string; value: string };
}

/** Selects objects for `listByIndex`. */
export interface IndexListOptions {
  namespace?: string;
  predicate?: (obj: KubeObject) => boolean;
}

const MAX_UPDATE_ATTEMPTS = 100;

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list ' +
  'without the continue parameter, or use the continue token in this response to retrieve the remainder of the ' +
  'results. Continuing with the provided token results in an inconsistent list - objects that were created, ' +
  'modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface Resource {
  table: ObjectTable;
  cache: WatchCache;
}

/** Storage and SyncReader in process memory. Predicates and index functions receive frozen objects. */
export class MemoryStorage implements Storage, SyncReader {
  private revision = 1;
  private readonly resources = new Map<ResourceKey, Resource>();
  private readonly historyCapacity: number;
  private readonly watcherQueueCapacity: number;

  constructor(options: MemoryStorageOptions = {}) {
    this.historyCapacity = positive(options.historyCapacity ?? 10_000, 'historyCapacity');
    this.watcherQueueCapacity = positive(options.watcherQueueCapacity ?? 10_000, 'watcherQueueCapacity');
  }

  async create(key: ResourceKey, obj: KubeObject): Promise<KubeObject> {
    const { table, cache } = this.resource(key);
    const namespace = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name;
    if (!name) throw new Error('MemoryStorage.create: object has no metadata.name');
    if (table.get(namespace, name)) throw alreadyExists(groupResourceOf(key), name);
    const stored = this.stamp(obj);
    table.set(namespace, name, stored);
    cache.record({ resourceVersion: this.revision, type: 'ADDED', object: stored });
    return copyJson(stored);
  }

  async get(key: ResourceKey, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const obj = this.peek(key, namespace, name);
    return obj && copyJson(obj);
  }

  async list(key: ResourceKey, opts: ListOptions = {}): Promise<ListResult> {
    const page = this.listFrozen(key, opts);
    return { ...page, items: page.items.map(copyJson) };
  }

  /**
   * `list` without copying: the items are the stored frozen objects. For callers that only read and serialize
   * (a list of 150,000 pods spends most of its time copying otherwise).
   */
  listFrozen(key: ResourceKey, opts: ListOptions = {}): ListResult {
    const { table, cache } = this.resource(key);
    let resourceVersion = this.revision;
    let start: string | undefined;
    if (opts.continue) {
      const position = decodeContinue(opts.continue);
      if (position.resourceVersion < cache.compactedRevision) throw gone(CONTINUE_EXPIRED);
      // Served from current state, as the apiserver does for an inconsistent continuation, but reported at the
      // first page's revision so a watch started from it replays everything since.
      resourceVersion = position.resourceVersion;
      start = position.start;
    }
    const page = table.page({ namespace: opts.namespace, predicate: opts.predicate, limit: opts.limit, start });
    const result: ListResult = { items: page.items, resourceVersion: String(resourceVersion) };
    if (page.more && page.lastKey !== undefined) {
      result.continue = encodeContinue(resourceVersion, page.lastKey);
      if (page.remaining !== undefined) result.remainingItemCount = page.remaining;
    }
    return result;
  }

  async update(
    key: ResourceKey,
    namespace: string | undefined,
    name: string,
    fn: UpdateFn,
    expectedResourceVersion?: string,
  ): Promise<KubeObject> {
    const { table, cache } = this.resource(key);
    const ns = namespace ?? '';
    const gr = groupResourceOf(key);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = table.get(ns, name);
      if (!current) throw notFound(gr, name);
      if (expectedResourceVersion && current.metadata.resourceVersion !== expectedResourceVersion) {
        throw conflict(gr, name, STALE_OBJECT_MESSAGE);
      }
      const proposed = await fn(copyJson(current));
      // Someone wrote while fn ran: like GuaranteedUpdate, start over from the newer version.
      if (table.get(ns, name) !== current) continue;
      // The key names the object: an update cannot move it.
      const candidate: KubeObject = { ...proposed, metadata: { ...proposed.metadata, name, namespace: ns } };
      if (ns === '') delete candidate.metadata.namespace;
      if (sameExceptResourceVersion(candidate, current)) return copyJson(current);
      const stored = this.stamp(candidate);
      table.set(ns, name, stored);
      cache.record({ resourceVersion: this.revision, type: 'MODIFIED', object: stored, previous: current });
      return copyJson(stored);
    }
    throw conflict(gr, name, STALE_OBJECT_MESSAGE);
  }

  async delete(key: ResourceKey, namespace: string | undefined, name: string, pre?: Preconditions): Promise<KubeObject> {
    const { table, cache } = this.resource(key);
    const ns = namespace ?? '';
    const gr = groupResourceOf(key);
    const current = table.get(ns, name);
    if (!current) throw notFound(gr, name);
    const { uid, resourceVersion } = current.metadata;
    if (pre?.uid !== undefined && pre.uid !== uid) {
      throw conflict(gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${uid ?? ''}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== resourceVersion) {
      throw conflict(
        gr,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${resourceVersion ?? ''}`,
      );
    }
    this.revision++;
    const deleted = withResourceVersion(current, String(this.revision));
    table.remove(ns, name);
    cache.record({ resourceVersion: this.revision, type: 'DELETED', object: deleted });
    return copyJson(deleted);
  }

  watch(key: ResourceKey, opts: WatchOptions, onEvent: (e: StorageEvent) => void): Watch {
    return this.watchWithClose(key, opts, onEvent, () => {});
  }

  /**
   * `watch` that also reports when the store ends the watch itself (the consumer fell behind by more than
   * the queue capacity, or onEvent threw); no event follows. Throws 410 for a revision no longer retained.
   */
  watchWithClose(
    key: ResourceKey,
    opts: MemoryWatchOptions,
    onEvent: (e: StorageEvent) => void,
    onClose: (reason: WatchClose) => void,
  ): MemoryWatch {
    const { table, cache } = this.resource(key);
    const from = parseRevision(opts.resourceVersion);
    const index = opts.index;
    if (index && !table.hasIndex(index.name)) throw new Error(`MemoryStorage.watch: no index "${index.name}" on ${key}`);
    const matches = (obj: KubeObject): boolean =>
      (opts.namespace === undefined || (obj.metadata.namespace ?? '') === opts.namespace) &&
      (!index || table.indexValue(index.name, obj) === index.value) &&
      (!opts.predicate || opts.predicate(obj));
    const watcher = new Watcher({ matches, onEvent, onClose, capacity: this.watcherQueueCapacity });
    if (from === undefined) {
      const current = index ? table.byIndex(index.name, index.value) : table.all(opts.namespace);
      watcher.sendInitial(current.filter((obj) => safely(matches, obj)));
    } else {
      watcher.replay(cache.since(from));
    }
    cache.add(watcher, bucketFor(opts));
    return watcher;
  }

  currentResourceVersion(): string {
    return String(this.revision);
  }

  /** The stored (frozen) object; do not modify. */
  peek(key: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.resources.get(key)?.table.get(namespace ?? '', name);
  }

  /** The stored (frozen) objects in key order; do not modify. */
  peekList(key: ResourceKey, namespace?: string): KubeObject[] {
    return this.resources.get(key)?.table.all(namespace) ?? [];
  }

  /** Maintain a secondary index over a resource, e.g. pods by spec.nodeName; existing objects are indexed now. */
  addIndex(key: ResourceKey, name: string, fn: IndexFn): void {
    this.resource(key).table.addIndex(name, fn);
  }

  /** Copies of the objects whose index value is `value`, in key order. */
  listByIndex(key: ResourceKey, name: string, value: string, opts: IndexListOptions = {}): KubeObject[] {
    return this.peekByIndex(key, name, value, opts).map(copyJson);
  }

  /** Like listByIndex, returning the stored (frozen) objects. */
  peekByIndex(key: ResourceKey, name: string, value: string, opts: IndexListOptions = {}): KubeObject[] {
    const table = this.resources.get(key)?.table;
    if (!table?.hasIndex(name)) throw new Error(`MemoryStorage: no index "${name}" on ${key}`);
    return table
      .byIndex(name, value)
      .filter(
        (obj) =>
          (opts.namespace === undefined || (obj.metadata.namespace ?? '') === opts.namespace) &&
          (!opts.predicate || opts.predicate(obj)),
      );
  }

  /** Number of objects stored under a key. */
  count(key: ResourceKey): number {
    return this.resources.get(key)?.table.size ?? 0;
  }

  private stamp(obj: KubeObject): KubeObject {
    this.revision++;
    const copy = copyJson(obj);
    copy.metadata = { ...copy.metadata, resourceVersion: String(this.revision) };
    return deepFreeze(copy);
  }

  private resource(key: ResourceKey): Resource {
    let resource = this.resources.get(key);
    if (!resource) {
      const table = new ObjectTable();
      const cache = new WatchCache(this.historyCapacity, (name, obj) => table.indexValue(name, obj));
      resource = { table, cache };
      this.resources.set(key, resource);
    }
    return resource;
  }
}

function bucketFor(opts: MemoryWatchOptions): WatcherBucket {
  if (opts.index) return { kind: 'index', ...opts.index };
  if (opts.namespace !== undefined) return { kind: 'namespace', namespace: opts.namespace };
  return { kind: 'all' };
}

// `undefined`, "" and "0" all mean "the current state, then changes".
function parseRevision(resourceVersion: string | undefined): number | undefined {
  if (resourceVersion === undefined || resourceVersion === '' || resourceVersion === '0') return undefined;
  if (!/^\d+$/.test(resourceVersion)) throw badRequest(`invalid resource version: "${resourceVersion}"`);
  return Number(resourceVersion);
}

function safely(matches: (obj: KubeObject) => boolean, obj: KubeObject): boolean {
  try {
    return matches(obj);
  } catch {
    return false;
  }
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`MemoryStorage: ${name} must be a positive integer`);
  return value;
}
