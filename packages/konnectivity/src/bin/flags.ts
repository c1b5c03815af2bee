// Flag value parsers shared by the two commands (pflag-compatible wording for errors).
import { InvalidArgumentError } from 'commander';
import { pino, type Logger } from 'pino';
import { PROXY_STRATEGIES, type ProxyStrategy } from '../server/backends.ts';

/** Parses an integer flag. */
export function parseIntFlag(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

/** Parses Go durations as the agent's sync flags use them (`1s`, `500ms`, `2m`), in milliseconds. */
export function parseDuration(value: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) throw new InvalidArgumentError(`time: invalid duration ${JSON.stringify(value)}`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * units[p[2]], 0);
}

/** Parses `--proxy-strategies` (comma-separated, in order of preference). */
export function parseProxyStrategies(value: string): ProxyStrategy[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of list) {
    if (!(PROXY_STRATEGIES as readonly string[]).includes(s)) throw new InvalidArgumentError(`unknown proxy strategy ${JSON.stringify(s)}`);
  }
  return list as ProxyStrategy[];
}

/** The root logger for a command: klog-like verbosity, 0 = info, 4+ = debug; authorization headers redacted. */
export function commandLogger(name: string, verbosity: number): Logger {
  return pino({ name, level: verbosity >= 4 ? 'debug' : 'info', redact: ['req.headers.authorization', 'headers.authorization'] });
}
