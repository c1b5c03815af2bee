// The objects of one resource, grouped by namespace and kept in key order (`namespace/name`, as etcd orders
// `/registry/pods/<ns>/<name>`), so a namespace's list touches only that namespace and pages resume by binary
// search. Secondary indexes map a derived value (a pod's spec.nodeName) to the keys that have it.
import type { KubeObject } from '@hubspoke/api';

/** Derives an index value from an object; undefined leaves the object out of the index. */
export type IndexFn = (obj: KubeObject) => string | undefined;

/** What `page` selects. */
export interface PageQuery {
  namespace?: string;
  /** First key the page may contain (from a continue token). */
  start?: string;
  limit?: number;
  predicate?: (obj: KubeObject) => boolean;
}

/** One page; `more` when keys remain after `lastKey`. */
export interface Page {
  items: KubeObject[];
  lastKey?: string;
  more: boolean;
  /** Objects after this page; only known without a predicate (as in the apiserver). */
  remaining?: number;
}

/** The storage key of an object within its resource. */
export function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

class NamespaceBucket {
  readonly objects = new Map<string, KubeObject>();
  private names: string[] = [];
  private sorted = true;

  constructor(readonly namespace: string) {}

  set(name: string, obj: KubeObject): void {
    const isNew = !this.objects.has(name);
    this.objects.set(name, obj);
    if (!isNew || !this.sorted) return;
    // Names often arrive in order (pod-00001, pod-00002…): appending keeps the order without a sort.
    if (this.names.length === 0 || name > this.names[this.names.length - 1]) this.names.push(name);
    else this.sorted = false;
  }

  remove(name: string): void {
    if (!this.objects.delete(name) || !this.sorted) return;
    this.names.splice(lowerBound(this.names, name), 1);
  }

  sortedNames(): string[] {
    if (!this.sorted) {
      this.names = [...this.objects.keys()].sort(compareStrings);
      this.sorted = true;
    }
    return this.names;
  }
}

interface Index {
  fn: IndexFn;
  keys: Map<string, Set<string>>;
}

/** All stored versions of one resource. */
export class ObjectTable {
  private readonly buckets = new Map<string, NamespaceBucket>();
  private orderedBuckets: NamespaceBucket[] | undefined = [];
  private readonly indexes = new Map<string, Index>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.buckets.get(namespace)?.objects.get(name);
  }

  /** Insert or replace. */
  set(namespace: string, name: string, obj: KubeObject): void {
    let bucket = this.buckets.get(namespace);
    if (!bucket) {
      bucket = new NamespaceBucket(namespace);
      this.buckets.set(namespace, bucket);
      this.orderedBuckets = undefined;
    }
    const old = bucket.objects.get(name);
    if (!old) this.count++;
    bucket.set(name, obj);
    this.reindex(objectKey(namespace, name), old, obj);
  }

  remove(namespace: string, name: string): void {
    const bucket = this.buckets.get(namespace);
    const old = bucket?.objects.get(name);
    if (!bucket || !old) return;
    bucket.remove(name);
    this.count--;
    this.reindex(objectKey(namespace, name), old, undefined);
    if (bucket.objects.size === 0) {
      this.buckets.delete(namespace);
      this.orderedBuckets = undefined;
    }
  }

  /** Every object (of one namespace), in key order. */
  all(namespace?: string): KubeObject[] {
    return this.page({ namespace }).items;
  }

  /** Objects in key order from `start`, filtered, at most `limit`. */
  page(query: PageQuery): Page {
    const { limit = 0, predicate } = query;
    const buckets = this.bucketsFor(query.namespace);
    const { startNamespace, startName } = splitStart(query.start);
    const items: KubeObject[] = [];
    for (let b = 0; b < buckets.length; b++) {
      const bucket = buckets[b];
      if (startNamespace !== undefined && compareNamespaces(bucket.namespace, startNamespace) < 0) continue;
      const names = bucket.sortedNames();
      const first = bucket.namespace === startNamespace ? lowerBound(names, startName) : 0;
      for (let i = first; i < names.length; i++) {
        const obj = bucket.objects.get(names[i])!;
        if (predicate && !predicate(obj)) continue;
        items.push(obj);
        if (limit > 0 && items.length === limit) {
          let remaining = names.length - i - 1;
          for (let later = b + 1; later < buckets.length; later++) remaining += buckets[later].objects.size;
          const lastKey = objectKey(bucket.namespace, names[i]);
          return { items, lastKey, more: remaining > 0, remaining: predicate ? undefined : remaining };
        }
      }
    }
    return { items, more: false };
  }

  /** Starts maintaining an index; existing objects are indexed at once. */
  addIndex(name: string, fn: IndexFn): void {
    const index: Index = { fn, keys: new Map() };
    this.indexes.set(name, index);
    for (const bucket of this.buckets.values()) {
      for (const [objName, obj] of bucket.objects) addKey(index, indexValue(fn, obj), objectKey(bucket.namespace, objName));
    }
  }

  hasIndex(name: string): boolean {
    return this.indexes.has(name);
  }

  /** The value an index derives for an object (undefined when the index does not exist or skips it). */
  indexValue(name: string, obj: KubeObject): string | undefined {
    const index = this.indexes.get(name);
    return index ? indexValue(index.fn, obj) : undefined;
  }

  /** Objects whose index value equals `value`, in key order. */
  byIndex(name: string, value: string): KubeObject[] {
    const keys = this.indexes.get(name)?.keys.get(value);
    if (!keys) return [];
    return [...keys].sort(compareStrings).map((key) => {
      const slash = key.indexOf('/');
      return this.get(key.slice(0, slash), key.slice(slash + 1))!;
    });
  }

  private reindex(key: string, old: KubeObject | undefined, next: KubeObject | undefined): void {
    for (const index of this.indexes.values()) {
      const before = old && indexValue(index.fn, old);
      const after = next && indexValue(index.fn, next);
      if (before === after) continue;
      if (before !== undefined) removeKey(index, before, key);
      if (after !== undefined) addKey(index, after, key);
    }
  }

  private bucketsFor(namespace: string | undefined): NamespaceBucket[] {
    if (namespace !== undefined) {
      const bucket = this.buckets.get(namespace);
      return bucket ? [bucket] : [];
    }
    this.orderedBuckets ??= [...this.buckets.values()].sort((a, b) => compareNamespaces(a.namespace, b.namespace));
    return this.orderedBuckets;
  }
}

function indexValue(fn: IndexFn, obj: KubeObject): string | undefined {
  try {
    return fn(obj);
  } catch {
    return undefined;
  }
}

function addKey(index: Index, value: string | undefined, key: string): void {
  if (value === undefined) return;
  let keys = index.keys.get(value);
  if (!keys) index.keys.set(value, (keys = new Set()));
  keys.add(key);
}

function removeKey(index: Index, value: string, key: string): void {
  const keys = index.keys.get(value);
  if (!keys) return;
  keys.delete(key);
  if (keys.size === 0) index.keys.delete(value);
}

function splitStart(start: string | undefined): { startNamespace?: string; startName: string } {
  if (start === undefined) return { startName: '' };
  const slash = start.indexOf('/');
  if (slash < 0) return { startNamespace: '', startName: start };
  return { startNamespace: start.slice(0, slash), startName: start.slice(slash + 1) };
}

// Full keys are `namespace/name`; comparing namespaces with the separator attached keeps the order of full keys.
function compareNamespaces(a: string, b: string): number {
  return compareStrings(`${a}/`, `${b}/`);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
