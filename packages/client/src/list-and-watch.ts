// An informer-lite: list, then watch from the list's resourceVersion, keeping a cache and calling handlers
// with add/update/delete as they happen. A 410 (resourceVersion too old), a failed watch or one that closes
// at once without events all lead to a relist after back-off, the way client-go's reflector recovers.
import type { KubeObject } from '@hubspoke/api';
import { DEFAULT_RELIST_BACKOFF, ExponentialBackoff, sleep } from './backoff.ts';
import type { BackoffOptions } from './backoff.ts';
import type { ApiClient } from './client.ts';

/** What to list and watch, and how to recover. */
export interface ListAndWatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Delay before relisting after an error; default 800 ms doubling to 30 s. */
  backoff?: BackoffOptions;
  /** Server-side watch timeout; a watch that times out is simply re-opened. */
  timeoutSeconds?: number;
  /** Told about every failure that triggers a relist (logging). */
  onError?: (err: unknown) => void;
}

/** Callbacks, called in event order; a throwing handler is reported to onError and does not stop the loop. */
export interface ObjectHandlers<T extends KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(obj: T, old: T): void;
  onDelete?(obj: T): void;
  /** After every (re)list, with the full current set. */
  onSync?(objects: T[]): void;
}

/** A running list-and-watch loop. */
export interface Informer<T extends KubeObject = KubeObject> {
  /** Resolves after the first successful list has been delivered to the handlers. */
  readonly synced: Promise<void>;
  /** The cached objects. */
  list(): T[];
  /** Ends the watch; resolves when the loop has exited. */
  stop(): Promise<void>;
}

/** A watch that closes faster than this with no events is treated as broken (client-go's "very short watch"). */
const SHORT_WATCH_MS = 1000;

/** Starts listing and watching `path` (a collection path) until stop(). */
export function listAndWatch<T extends KubeObject = KubeObject>(
  client: ApiClient,
  path: string,
  opts: ListAndWatchOptions,
  handlers: ObjectHandlers<T>,
): Informer<T> {
  const cache = new Map<string, T>();
  const controller = new AbortController();
  const backoff = new ExponentialBackoff(opts.backoff ?? DEFAULT_RELIST_BACKOFF);
  let markSynced!: () => void;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));

  const call = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      opts.onError?.(err);
    }
  };

  const replace = (items: T[]) => {
    const seen = new Set<string>();
    for (const item of items) {
      const key = keyOf(item);
      seen.add(key);
      const old = cache.get(key);
      cache.set(key, item);
      if (!old) call(() => handlers.onAdd?.(item));
      else if (old.metadata.resourceVersion !== item.metadata.resourceVersion) call(() => handlers.onUpdate?.(item, old));
    }
    for (const [key, old] of [...cache]) {
      if (seen.has(key)) continue;
      cache.delete(key);
      call(() => handlers.onDelete?.(old));
    }
    call(() => handlers.onSync?.([...cache.values()]));
  };

  const upsert = (obj: T) => {
    const key = keyOf(obj);
    const old = cache.get(key);
    cache.set(key, obj);
    call(() => (old ? handlers.onUpdate?.(obj, old) : handlers.onAdd?.(obj)));
  };

  const remove = (obj: T) => {
    cache.delete(keyOf(obj));
    call(() => handlers.onDelete?.(obj));
  };

  async function watchFrom(resourceVersion: string): Promise<string> {
    let rv = resourceVersion;
    for (;;) {
      const opened = Date.now();
      let events = 0;
      for await (const event of client.watch<T>(path, {
        resourceVersion: rv,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        allowWatchBookmarks: true,
        timeoutSeconds: opts.timeoutSeconds,
        signal: controller.signal,
      })) {
        events++;
        if (event.type === 'ADDED' || event.type === 'MODIFIED') upsert(event.object);
        else if (event.type === 'DELETED') remove(event.object);
        rv = event.object.metadata?.resourceVersion ?? rv;
      }
      if (controller.signal.aborted) return rv;
      if (events === 0 && Date.now() - opened < SHORT_WATCH_MS) {
        throw new Error('very short watch: unexpected watch close - watch lasted less than a second and no items received');
      }
    }
  }

  async function run(): Promise<void> {
    while (!controller.signal.aborted) {
      try {
        const list = await client.list<T>(path, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
        if (controller.signal.aborted) return;
        replace(list.items ?? []);
        markSynced();
        backoff.reset();
        await watchFrom(list.metadata?.resourceVersion ?? '');
      } catch (err) {
        if (controller.signal.aborted) return;
        opts.onError?.(err);
        // Even a 410 waits: a server that keeps answering 410 must not be hammered with lists.
        await sleep(backoff.next(), controller.signal);
      }
    }
  }

  const loop = run();
  return {
    synced,
    list: () => [...cache.values()],
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}

function keyOf(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : (obj.metadata.name ?? '');
}
