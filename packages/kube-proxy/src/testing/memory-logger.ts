// A pino logger whose records land in an array, so tests can assert what the proxy logged.
import { pino } from 'pino';
import type { Logger } from 'pino';

/** One parsed log record. */
export type LogRecord = { level: number; msg: string } & Record<string, unknown>;

/** A debug-level logger and the records it has written. */
export function memoryLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line) as LogRecord) });
  return { logger, records };
}
