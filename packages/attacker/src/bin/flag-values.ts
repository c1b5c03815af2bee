// Value parsers for the attacker's flags (commander argParsers): a bad value is refused with the reason.
import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';

/** A TCP port, 0–65535. */
export function portNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('not a port number (0-65535)');
  return n;
}

/** A repeatable port flag. */
export function collectPort(value: string, previous: number[]): number[] {
  return [...previous, portNumber(value)];
}

/** An integer above 0. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('not a positive integer');
  return n;
}

/** An IPv4 or IPv6 address. */
export function ipAddress(value: string): string {
  if (!isIP(value)) throw new InvalidArgumentError('not an IP address');
  return value;
}

/** `host:port` (IPv6 hosts in brackets). */
export function hostPort(value: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) > 65535) throw new InvalidArgumentError('expected host:port');
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
}
