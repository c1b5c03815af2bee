// Helpers for the controller tests: a bounded poll and a logger that remembers what it was told.
import type { Logger } from './context.ts';

/** Polls `check` until it returns a truthy value or stops throwing; fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 3_000,
  intervalMs = 5,
): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Exclude<T, undefined | null | false | 0 | ''>;
      lastError = new Error('condition stayed false');
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** One remembered log call. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: object;
  msg?: string;
}

/** A Logger that records every call. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (fields: object, msg?: string) => entries.push({ level, fields, msg });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
