// The change history of one resource and the watchers listening to it (the apiserver's watchCache plus its
// cacher's dispatch). The history is a ring: a watch may resume from any revision still inside it; older
// revisions get 410 Expired. Watchers are bucketed by namespace or by an index value (pods by spec.nodeName,
// the apiserver's "indexed triggers"), so a write reaches only the watchers that can care about it.
import { gone, type KubeObject } from '@hubspoke/api';
import type { HistoryEvent, Watcher } from './watcher.ts';

/** Which watchers a watcher is filed under. */
export type WatcherBucket =
  | { kind: 'all' }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'index'; name: string; value: string };

/** Derives an index value, as the resource's object table does. */
export type IndexValueFn = (indexName: string, obj: KubeObject) => string | undefined;

/** History and watchers of one resource. */
export class WatchCache {
  private readonly ring: (HistoryEvent | undefined)[];
  private start = 0;
  private length = 0;
  private compacted = 0;
  private readonly everyone = new Set<Watcher>();
  private readonly byNamespace = new Map<string, Set<Watcher>>();
  private readonly byIndex = new Map<string, Map<string, Set<Watcher>>>();

  constructor(
    private readonly capacity: number,
    private readonly indexValue: IndexValueFn,
  ) {
    this.ring = new Array(capacity);
  }

  /** The newest revision no longer in the history (0 while nothing was dropped). */
  get compactedRevision(): number {
    return this.compacted;
  }

  /** Watchers currently registered. */
  get watcherCount(): number {
    let n = this.everyone.size;
    for (const set of this.byNamespace.values()) n += set.size;
    for (const values of this.byIndex.values()) for (const set of values.values()) n += set.size;
    return n;
  }

  /** Remember a change and offer it to every watcher that may see it. */
  record(e: HistoryEvent): void {
    if (this.length === this.capacity) {
      this.compacted = this.ring[this.start]!.resourceVersion;
      this.ring[this.start] = e;
      this.start = (this.start + 1) % this.capacity;
    } else {
      this.ring[(this.start + this.length) % this.capacity] = e;
      this.length++;
    }
    this.offerToInterested(e);
  }

  /** The changes after `resourceVersion`, oldest first; 410 when some of them were already dropped. */
  since(resourceVersion: number): HistoryEvent[] {
    if (resourceVersion < this.compacted) {
      throw gone(`too old resource version: ${resourceVersion} (${this.compacted})`);
    }
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).resourceVersion <= resourceVersion) lo = mid + 1;
      else hi = mid;
    }
    const out: HistoryEvent[] = [];
    for (let i = lo; i < this.length; i++) out.push(this.at(i));
    return out;
  }

  /** File a watcher; its `detach` removes it again. */
  add(watcher: Watcher, bucket: WatcherBucket): void {
    const set = this.setFor(bucket);
    set.add(watcher);
    watcher.detach = () => {
      set.delete(watcher);
      this.prune(bucket, set);
    };
  }

  private at(i: number): HistoryEvent {
    return this.ring[(this.start + i) % this.capacity]!;
  }

  // Sets tolerate deletion while iterating, which is what a watcher closing on overflow does.
  private offerToInterested(e: HistoryEvent): void {
    for (const watcher of this.everyone) watcher.offer(e);
    const inNamespace = this.byNamespace.get(e.object.metadata.namespace ?? '');
    if (inNamespace) for (const watcher of inNamespace) watcher.offer(e);
    for (const [name, values] of this.byIndex) {
      const now = this.indexValue(name, e.object);
      const before = e.previous && this.indexValue(name, e.previous);
      if (now !== undefined) for (const watcher of values.get(now) ?? []) watcher.offer(e);
      if (before !== undefined && before !== now) for (const watcher of values.get(before) ?? []) watcher.offer(e);
    }
  }

  private setFor(bucket: WatcherBucket): Set<Watcher> {
    if (bucket.kind === 'all') return this.everyone;
    if (bucket.kind === 'namespace') return getOrCreate(this.byNamespace, bucket.namespace, () => new Set());
    const values = getOrCreate(this.byIndex, bucket.name, () => new Map<string, Set<Watcher>>());
    return getOrCreate(values, bucket.value, () => new Set());
  }

  private prune(bucket: WatcherBucket, set: Set<Watcher>): void {
    if (set.size > 0 || bucket.kind === 'all') return;
    if (bucket.kind === 'namespace') this.byNamespace.delete(bucket.namespace);
    else {
      const values = this.byIndex.get(bucket.name);
      values?.delete(bucket.value);
      if (values?.size === 0) this.byIndex.delete(bucket.name);
    }
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
