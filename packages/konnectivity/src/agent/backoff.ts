// Reconnect delays: exponential with jitter, capped, so a fleet of agents does not reconnect in lockstep.

/** Backoff bounds in milliseconds. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

/** The next delay after `previous` (undefined for the first failure): doubles up to maxMs, ±20 % jitter. */
export function nextBackoff(previous: number | undefined, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 1_000;
  const max = options.maxMs ?? 30_000;
  const base = previous === undefined ? initial : Math.min(max, previous * 2);
  const jittered = base * (0.8 + Math.random() * 0.4);
  return Math.round(Math.min(max, Math.max(1, jittered)));
}
