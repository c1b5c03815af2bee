// Reads a CRI log file back with the kubelet's `GET containerLogs` semantics (PodLogOptions).
import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { formatTimestamp, nowNanos, parseCriRecord, type LogStream } from './cri-log.ts';

/** PodLogOptions as the kubelet applies them to one log file. */
export interface ReadLogOptions {
  /** Keep reading appended data until `until` resolves (the container exited), then drain and end. */
  follow?: boolean;
  /** Only records at or after this time. With sinceSeconds too, the later bound applies. */
  sinceTime?: Date;
  sinceSeconds?: number;
  /** Start with the last N lines (a line is one F record plus the P records before it). */
  tailLines?: number;
  /** Stop after this many bytes of output, cutting mid-line. */
  limitBytes?: number;
  /** Prefix each line with its time, `2006-01-02T15:04:05.000000000Z `. */
  timestamps?: boolean;
  /** Which streams to include (PodLogOptions.stream); default both. */
  stream?: LogStream | 'all';
  signal?: AbortSignal;
  until?: Promise<unknown>;
}

const CHUNK_BYTES = 64 * 1024;
const POLL_MIN_MS = 10;
const POLL_MAX_MS = 500;

/** The container's log output with the options applied. Throws (ENOENT) if the file does not exist. */
export async function* readContainerLog(path: string, opts: ReadLogOptions = {}): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  const wakeup = opts.follow ? new ChangeWaiter(path, opts) : undefined;
  try {
    const accepts = (stream: LogStream) => !opts.stream || opts.stream === 'all' || opts.stream === stream;
    let offset = 0;
    if (opts.tailLines !== undefined && opts.tailLines >= 0) offset = await findTailStart(file, opts.tailLines, accepts);
    const emitter = new LogEmitter({ ...opts, since: sinceBound(opts), accepts });
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry = Buffer.alloc(0);
    for (;;) {
      if (opts.signal?.aborted) return;
      const drained = wakeup?.exited ?? false;
      const { bytesRead } = await file.read(chunk, 0, CHUNK_BYTES, offset);
      if (bytesRead > 0) {
        offset += bytesRead;
        const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
        const { output, rest } = emitter.consume(data);
        carry = Buffer.from(rest); // `chunk` is reused by the next read
        if (output.length) yield output;
        if (emitter.done) return;
        wakeup?.sawData();
        continue;
      }
      // The writer closes the file before `until` resolves, so an empty read after that is the end.
      if (!wakeup || drained) return;
      await wakeup.wait();
    }
  } finally {
    wakeup?.close();
    await file.close();
  }
}

function sinceBound(opts: ReadLogOptions): bigint | undefined {
  const bounds: bigint[] = [];
  if (opts.sinceTime) bounds.push(BigInt(opts.sinceTime.getTime()) * 1_000_000n);
  if (opts.sinceSeconds !== undefined) bounds.push(nowNanos() - BigInt(Math.floor(opts.sinceSeconds * 1e9)));
  return bounds.length ? bounds.reduce((a, b) => (a > b ? a : b)) : undefined;
}

const NEWLINE = Buffer.from('\n');

/** Turns records into output: filtering, line-start timestamps, and the byte limit. */
class LogEmitter {
  done = false;
  private remaining: number;
  private readonly atLineStart: Record<LogStream, boolean> = { stdout: true, stderr: true };

  constructor(
    private readonly opts: {
      since?: bigint;
      timestamps?: boolean;
      limitBytes?: number;
      accepts: (stream: LogStream) => boolean;
    },
  ) {
    this.remaining = opts.limitBytes ?? Infinity;
    this.needsTime = opts.since !== undefined || opts.timestamps === true;
  }

  private readonly needsTime: boolean;

  consume(data: Buffer): { output: Buffer; rest: Buffer } {
    const parts: Buffer[] = [];
    let start = 0;
    while (!this.done) {
      const nl = data.indexOf(0x0a, start);
      if (nl < 0) break;
      const record = parseCriRecord(data.subarray(start, nl), this.needsTime);
      start = nl + 1;
      if (!record || !this.opts.accepts(record.stream)) continue;
      if (this.opts.since !== undefined && record.time < this.opts.since) continue;
      if (this.opts.timestamps && this.atLineStart[record.stream]) {
        this.emit(parts, Buffer.from(`${formatTimestamp(record.time, true)} `));
      }
      this.emit(parts, record.content);
      if (!record.partial) this.emit(parts, NEWLINE);
      this.atLineStart[record.stream] = !record.partial;
    }
    return { output: Buffer.concat(parts), rest: data.subarray(start) };
  }

  private emit(parts: Buffer[], data: Buffer): void {
    if (this.done || data.length === 0) return;
    if (data.length >= this.remaining) {
      parts.push(data.subarray(0, this.remaining));
      this.remaining = 0;
      this.done = true;
      return;
    }
    parts.push(data);
    this.remaining -= data.length;
  }
}

/**
 * The file offset where the last `lines` lines begin, scanning backwards. A line ends with an F record;
 * a stream's trailing P records (a line still being written) count as one line too. A record still being
 * appended (no newline yet) is not counted.
 */
export async function findTailStart(
  file: FileHandle,
  lines: number,
  accepts: (stream: LogStream) => boolean = () => true,
): Promise<number> {
  const { size } = await file.stat();
  const seen: Record<LogStream, boolean> = { stdout: false, stderr: false };
  let count = 0;
  let end = size;
  let suffix = Buffer.alloc(0);
  let first = true;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK_BYTES);
    const block = Buffer.alloc(end - start);
    await file.read(block, 0, block.length, start);
    const buf = suffix.length ? Buffer.concat([block, suffix]) : block;
    let recordEnd = buf.length;
    if (first) {
      const last = buf.lastIndexOf(0x0a);
      if (last < 0) {
        suffix = buf;
        end = start;
        continue;
      }
      recordEnd = last + 1;
      first = false;
    }
    while (recordEnd > 0) {
      const nl = recordEnd >= 2 ? buf.lastIndexOf(0x0a, recordEnd - 2) : -1;
      if (nl < 0 && start > 0) break; // the record continues in the previous block
      const recordStart = nl + 1;
      const record = parseCriRecord(buf.subarray(recordStart, recordEnd - 1));
      if (record && accepts(record.stream)) {
        const endsLine = !record.partial || !seen[record.stream];
        seen[record.stream] = true;
        if (endsLine && ++count > lines) return start + recordEnd;
      }
      recordEnd = recordStart;
    }
    suffix = buf.subarray(0, recordEnd);
    end = start;
  }
  return 0;
}

/** Wakes a follower when the file changes (fs.watch), with a backing-off poll in case events are missed. */
class ChangeWaiter {
  exited = false;
  private delay = POLL_MIN_MS;
  private changed = false;
  private wake?: () => void;
  private readonly watcher?: FSWatcher;

  constructor(
    path: string,
    private readonly opts: ReadLogOptions,
  ) {
    try {
      this.watcher = watch(path, { persistent: false }, () => this.notify());
      this.watcher.on('error', () => undefined);
    } catch {
      // No inotify (or the file system does not support it): the poll alone still works.
    }
    opts.until?.then(
      () => this.onExit(),
      () => this.onExit(),
    );
    opts.signal?.addEventListener('abort', () => this.notify(), { once: true });
  }

  sawData(): void {
    this.delay = POLL_MIN_MS;
  }

  async wait(): Promise<void> {
    if (this.changed || this.exited || this.opts.signal?.aborted) {
      this.changed = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.notify(), this.delay);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.changed = false;
    this.delay = Math.min(this.delay * 2, POLL_MAX_MS);
  }

  close(): void {
    this.watcher?.close();
    this.notify();
  }

  private onExit(): void {
    this.exited = true;
    this.notify();
  }

  private notify(): void {
    this.changed = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
