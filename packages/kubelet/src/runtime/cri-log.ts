// The CRI container log format, as containerd writes it and the kubelet reads it:
//   <RFC3339Nano timestamp> <stdout|stderr> <P|F> <content>\n
// P marks a partial line (the program wrote no newline yet, or the line exceeded the maximum record size);
// F ends a line. This file holds the format and the writer; cri-log-reader.ts reads it back.
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The two output streams of a container. */
export type LogStream = 'stdout' | 'stderr';

/** containerd's default `max_container_log_line_size`: longer lines are split into P records. */
export const MAX_LOG_RECORD_BYTES = 16 * 1024;

/** One parsed CRI log record. `time` is nanoseconds since the Unix epoch. */
export interface CriRecord {
  time: bigint;
  stream: LogStream;
  partial: boolean;
  content: Buffer;
}

// Date has millisecond precision; anchoring hrtime to it once gives monotonic nanosecond timestamps.
const clockBase = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Nanoseconds since the Unix epoch, monotonic within this process. */
export function nowNanos(): bigint {
  return clockBase + process.hrtime.bigint();
}

/**
 * Formats a nanosecond time in UTC. `fixed` gives the kubelet's `timestamps=true` form
 * (always nine fractional digits); otherwise Go's RFC3339Nano, which drops trailing zeros.
 */
export function formatTimestamp(ns: bigint, fixed: boolean): string {
  const seconds = new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0');
  if (fixed) return `${seconds}.${fraction}Z`;
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed ? `${seconds}.${trimmed}Z` : `${seconds}Z`;
}

const timestampPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC3339 timestamp with up to nine fractional digits; undefined when malformed. */
export function parseTimestamp(text: string): bigint | undefined {
  const match = timestampPattern.exec(text);
  if (!match) return undefined;
  const ms = Date.parse(match[1] + match[3]);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

// `2006-01-02T15:04:05…`: enough to reject non-CRI lines without parsing the time.
function looksLikeTimestamp(line: Buffer, end: number): boolean {
  return end >= 20 && line[4] === 0x2d && line[7] === 0x2d && line[10] === 0x54 && line[13] === 0x3a && line[16] === 0x3a;
}

/** Turns one write of a program into CRI records: one F record per line, P for the rest. */
export function formatCriRecords(opts: {
  stream: LogStream;
  data: Buffer;
  timestamp: string;
  maxRecordBytes?: number;
}): Buffer {
  const max = opts.maxRecordBytes ?? MAX_LOG_RECORD_BYTES;
  const full = Buffer.from(`${opts.timestamp} ${opts.stream} F `);
  const partial = Buffer.from(`${opts.timestamp} ${opts.stream} P `);
  const newline = Buffer.from('\n');
  const parts: Buffer[] = [];
  const push = (prefix: Buffer, content: Buffer) => parts.push(prefix, content, newline);
  const data = opts.data;
  let start = 0;
  while (start < data.length) {
    const nl = data.indexOf(0x0a, start);
    const lineEnd = nl < 0 ? data.length : nl;
    let at = start;
    for (; lineEnd - at > max; at += max) push(partial, data.subarray(at, at + max));
    if (nl < 0) {
      if (at < lineEnd) push(partial, data.subarray(at, lineEnd));
      break;
    }
    push(full, data.subarray(at, nl));
    start = nl + 1;
  }
  return Buffer.concat(parts);
}

/**
 * Parses one record (without its newline); undefined for a line that is not CRI format. With
 * `parseTime: false` the timestamp's shape is checked but its value is not computed (`time` is 0n): turning
 * every timestamp into nanoseconds dominates the cost of streaming a log that needs no time filter.
 */
export function parseCriRecord(line: Buffer, parseTime = true): CriRecord | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const time = parseTime ? parseTimestamp(line.toString('latin1', 0, s1)) : looksLikeTimestamp(line, s1) ? 0n : undefined;
  const stream = line.toString('latin1', s1 + 1, s2);
  if (time === undefined || (stream !== 'stdout' && stream !== 'stderr')) return undefined;
  const s3 = line.indexOf(0x20, s2 + 1);
  const tagEnd = s3 < 0 ? line.length : s3;
  // Tags are colon-separated; the first one says whether the line is complete.
  const tag = line.toString('latin1', s2 + 1, tagEnd).split(':')[0];
  if (tag !== 'P' && tag !== 'F') return undefined;
  const content = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1);
  return { time, stream, partial: tag === 'P', content };
}

/** Appends a container's output to its log file. Writes are ordered; each resolves once on disk. */
export interface CriLogWriter {
  readonly path: string;
  write(stream: LogStream, data: Buffer): Promise<void>;
  /** Waits for pending writes, then closes the file; later writes reject. */
  close(): Promise<void>;
}

/** Opens (creating parent directories) a CRI log file for appending. */
export async function openCriLogWriter(path: string, opts: { maxRecordBytes?: number } = {}): Promise<CriLogWriter> {
  await mkdir(dirname(path), { recursive: true });
  const file = await open(path, 'a');
  let queue: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;
  return {
    path,
    write(stream, data) {
      if (closing) return Promise.reject(new Error(`log ${path} is closed`));
      if (data.length === 0) return Promise.resolve();
      const timestamp = formatTimestamp(nowNanos(), false);
      const records = formatCriRecords({ stream, data, timestamp, maxRecordBytes: opts.maxRecordBytes });
      const written = queue.then(async () => {
        // O_APPEND puts every write at the end; loop in case the kernel takes fewer bytes.
        for (let at = 0; at < records.length; ) at += (await file.write(records, at)).bytesWritten;
      });
      queue = written.catch(() => undefined);
      return written;
    },
    close() {
      closing ??= queue.then(() => file.close());
      return closing;
    },
  };
}
