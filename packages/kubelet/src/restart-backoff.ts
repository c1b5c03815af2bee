// Per-key back-off with the semantics of client-go's flowcontrol.Backoff, which the kubelet uses for
// CrashLoopBackOff and ImagePullBackOff: the first failure retries at once, later ones wait initial, 2×,
// 4× … up to max, and an entry idle for twice the max starts over.
import type { BackoffBounds } from './config.ts';

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

/** Back-off state per key (container or image). */
export class RestartBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly bounds: BackoffBounds,
    private readonly now: () => number = Date.now,
  ) {}

  /** How long an event at `eventTime` must still wait, with the back-off in force; 0 when it may go now. */
  remaining(key: string, eventTime: number): { waitMs: number; backoffMs: number } {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, this.now())) return { waitMs: 0, backoffMs: 0 };
    const waitMs = entry.backoffMs - (this.now() - eventTime);
    return { waitMs: Math.max(0, waitMs), backoffMs: entry.backoffMs };
  }

  /** Records an attempt: starts at the initial back-off, or doubles it up to the cap. */
  next(key: string): number {
    const now = this.now();
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, now)) {
      this.entries.set(key, { backoffMs: this.bounds.initialMs, lastUpdate: now });
      return this.bounds.initialMs;
    }
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.bounds.maxMs);
    entry.lastUpdate = now;
    return entry.backoffMs;
  }

  /** Forgets a key (its pod is gone). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  private expired(entry: Entry, at: number): boolean {
    return at - entry.lastUpdate > 2 * this.bounds.maxMs;
  }
}
