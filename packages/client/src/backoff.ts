// Exponential back-off for reconnect loops: doubles from `initialMs` up to `maxMs`, reset after success.
import { setTimeout as delay } from 'node:timers/promises';

/** Back-off bounds in milliseconds. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** client-go's reflector defaults: 800 ms doubling to 30 s. */
export const DEFAULT_RELIST_BACKOFF: BackoffOptions = { initialMs: 800, maxMs: 30_000 };

/** A doubling delay; `next()` returns the delay to wait now and grows the following one. */
export class ExponentialBackoff {
  private current: number;

  constructor(private readonly opts: BackoffOptions) {
    if (!(opts.initialMs > 0) || !(opts.maxMs >= opts.initialMs)) {
      throw new Error(`backoff: need 0 < initialMs <= maxMs, got ${opts.initialMs} and ${opts.maxMs}`);
    }
    this.current = opts.initialMs;
  }

  next(): number {
    const value = this.current;
    this.current = Math.min(this.current * 2, this.opts.maxMs);
    return value;
  }

  reset(): void {
    this.current = this.opts.initialMs;
  }
}

/** Waits `ms`, or less if `signal` aborts; never rejects. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // aborted: the caller checks its own state
  }
}
