// One watch: turns the resource's change history into the events this watcher should see, queues them, and
// delivers them on a microtask so writers never wait for readers. The queue is bounded; a watcher that falls
// too far behind (paused by a slow client, or starved) is closed, as the apiserver's cacher closes an
// unresponsive watcher, and the client starts over with a new list and watch.
import type { KubeObject } from '@hubspoke/api';
import type { StorageEvent, Watch } from './interface.ts';
import { copyJson, withResourceVersion } from './object-copy.ts';

/** One recorded change: frozen objects, `previous` for MODIFIED. */
export interface HistoryEvent {
  resourceVersion: number;
  type: StorageEvent['type'];
  object: KubeObject;
  previous?: KubeObject;
}

/** Why the store ended a watch (never reported for `stop()`). */
export type WatchClose =
  | { kind: 'overflow'; message: string }
  | { kind: 'error'; message: string; error: unknown };

/** A watch whose delivery the consumer can hold back while its own output is full. */
export interface MemoryWatch extends Watch {
  /** Stop delivering; events keep queueing up to the watcher's capacity. */
  pause(): void;
  resume(): void;
}

/** What a watcher needs from its owner. */
export interface WatcherConfig {
  /** Whether an object version belongs to this watch (namespace, index value and predicate). */
  matches(obj: KubeObject): boolean;
  onEvent(e: StorageEvent): void;
  onClose(reason: WatchClose): void;
  /** Most live events that may wait undelivered. */
  capacity: number;
}

interface Queued {
  type: StorageEvent['type'];
  object: KubeObject;
  previous?: KubeObject;
}

/** Queue and delivery for one watch. */
export class Watcher implements MemoryWatch {
  private initial: KubeObject[] = [];
  private initialHead = 0;
  private live: Queued[] = [];
  private liveHead = 0;
  /** Leading entries of `live` that came from replay and do not count against capacity. */
  private replayed = 0;
  private scheduled = false;
  private paused = false;
  private closed = false;
  /** Set by the watch cache when the watcher is registered. */
  detach: () => void = () => {};

  constructor(private readonly config: WatcherConfig) {}

  /** Synthetic ADDED events for the current objects, delivered before any change (not counted in capacity). */
  sendInitial(objects: KubeObject[]): void {
    this.initial = objects;
    this.schedule();
  }

  /** Changes from the history a resumed watch starts with (not counted in capacity, like sendInitial). */
  replay(events: HistoryEvent[]): void {
    for (const e of events) {
      const queued = this.convert(e);
      if (queued) this.live.push(queued);
    }
    this.liveHead = 0;
    this.replayed = this.live.length;
    this.schedule();
  }

  /** Offer a change; the watcher sees it, or its filter transition (DELETED/ADDED), or nothing. */
  offer(e: HistoryEvent): void {
    if (this.closed) return;
    const queued = this.convert(e);
    if (!queued) return;
    this.live.push(queued);
    const waiting = this.live.length - Math.max(this.liveHead, this.replayed);
    if (waiting > this.config.capacity) {
      this.close({
        kind: 'overflow',
        message: `watcher fell more than ${this.config.capacity} events behind and was closed`,
      });
      return;
    }
    this.schedule();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.schedule();
  }

  stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }

  // The rules of the apiserver's cacheWatcher: an object that stops matching leaves as DELETED (its previous
  // content with this change's revision); one that starts matching arrives as ADDED.
  private convert(e: HistoryEvent): Queued | undefined {
    const now = e.type !== 'DELETED' && this.safeMatch(e.object);
    if (e.type === 'DELETED') return this.safeMatch(e.object) ? { type: 'DELETED', object: e.object } : undefined;
    const before = e.previous !== undefined && this.safeMatch(e.previous);
    if (now && before) return { type: 'MODIFIED', object: e.object, previous: e.previous };
    if (now) return { type: 'ADDED', object: e.object };
    if (before) return { type: 'DELETED', object: withResourceVersion(e.previous!, String(e.resourceVersion)) };
    return undefined;
  }

  private safeMatch(obj: KubeObject): boolean {
    try {
      return this.config.matches(obj);
    } catch {
      return false;
    }
  }

  private schedule(): void {
    if (this.scheduled || this.paused || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    while (!this.closed && !this.paused) {
      const next = this.next();
      if (!next) break;
      const event: StorageEvent = { type: next.type, object: copyJson(next.object) };
      if (next.previous) event.previous = copyJson(next.previous);
      try {
        this.config.onEvent(event);
      } catch (error) {
        this.close({ kind: 'error', message: 'watch consumer threw', error });
      }
    }
    this.compact();
  }

  private next(): Queued | undefined {
    if (this.initialHead < this.initial.length) return { type: 'ADDED', object: this.initial[this.initialHead++] };
    if (this.liveHead < this.live.length) return this.live[this.liveHead++];
    return undefined;
  }

  private compact(): void {
    if (this.initialHead > 0 && this.initialHead === this.initial.length) {
      this.initial = [];
      this.initialHead = 0;
    }
    if (this.liveHead > 1024 && this.liveHead * 2 > this.live.length) {
      this.live = this.live.slice(this.liveHead);
      this.replayed = Math.max(0, this.replayed - this.liveHead);
      this.liveHead = 0;
    }
  }

  private close(reason: WatchClose): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
    queueMicrotask(() => {
      try {
        this.config.onClose(reason);
      } catch {
        // A failing close handler must not take the writer's process down.
      }
    });
  }

  private release(): void {
    this.detach();
    this.initial = [];
    this.live = [];
    this.initialHead = this.liveHead = this.replayed = 0;
  }
}
