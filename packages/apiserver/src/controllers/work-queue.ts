// The controllers' work queue (client-go's rate-limited workqueue, reduced): keys are deduplicated while they
// wait, one key is reconciled at a time, a failure is logged and the key retried with exponential backoff,
// and a key added while it is being reconciled runs again afterwards. Nothing a handler throws escapes.
import type { Logger } from './context.ts';

/** How a queue runs. */
export interface WorkQueueOptions {
  /** Names the controller in logs. */
  name: string;
  logger: Logger;
  /** Reconciles one key; a rejection is logged and the key retried later. */
  handler: (key: string) => Promise<void>;
  /** First retry delay; doubles per consecutive failure. Default 100 ms. */
  baseDelayMs?: number;
  /** Longest retry delay. Default 30 s. */
  maxDelayMs?: number;
}

// Yield to I/O now and then so a long queue does not starve the server's sockets.
const BATCH_BEFORE_YIELD = 64;

/** A deduplicating, retrying queue of keys. */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private running = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: WorkQueueOptions) {}

  /** Queue a key (no-op when it is already waiting). */
  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (this.running) return;
    // Start on a microtask so a burst of adds from one event handler is deduplicated first.
    this.running = true;
    queueMicrotask(() => void this.run());
  }

  /** Queue a key after a delay; an earlier pending delay for the key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref?.();
    this.timers.set(key, timer);
  }

  /** Keys waiting or delayed (for tests and diagnostics). */
  get size(): number {
    return this.pending.size + this.timers.size;
  }

  /** Resolves once nothing is waiting or running (delayed keys do not count). */
  idle(): Promise<void> {
    if (!this.running && this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async run(): Promise<void> {
    let sinceYield = 0;
    while (!this.stopped && this.pending.size > 0) {
      const key = this.pending.values().next().value as string;
      this.pending.delete(key);
      await this.process(key);
      if (++sinceYield >= BATCH_BEFORE_YIELD) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async process(key: string): Promise<void> {
    try {
      await this.options.handler(key);
      this.failures.delete(key);
    } catch (err) {
      const attempt = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempt);
      const { baseDelayMs = 100, maxDelayMs = 30_000 } = this.options;
      const delayMs = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
      this.options.logger.warn({ controller: this.options.name, key, attempt, delayMs, err }, 'reconcile failed, will retry');
      this.addAfter(key, delayMs);
    }
  }
}
