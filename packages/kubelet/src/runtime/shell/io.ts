// The toy shell's byte plumbing: inputs that can be read in chunks or lines (with push-back, so a command
// and the interactive loop can share stdin), outputs that resolve when written, and in-memory pipes with
// backpressure for `a | b`.
import type { Readable, Writable } from 'node:stream';

/** A readable byte source. null = end of input (a tty's Ctrl-D is an end that later reads may pass). */
export interface Input {
  read(signal?: AbortSignal): Promise<Buffer | null>;
  /** Puts bytes back to be returned by the next read. */
  unread(data: Buffer): void;
}

/** A byte sink; write resolves when the bytes are accepted, rejects with BrokenPipeError if the reader left. */
export interface Output {
  write(data: string | Buffer): Promise<void>;
}

/** A command's three standard streams. */
export interface ShellIO {
  stdin: Input;
  stdout: Output;
  stderr: Output;
}

/** The reader of an output went away (EPIPE). */
export class BrokenPipeError extends Error {
  constructor() {
    super('broken pipe');
    this.name = 'BrokenPipeError';
  }
}

/** An abort reached a blocked read or write. */
export class InterruptedError extends Error {
  constructor() {
    super('interrupted');
    this.name = 'InterruptedError';
  }
}

/** Shared push-back handling for inputs. */
export abstract class BufferedInput implements Input {
  private readonly pushedBack: Buffer[] = [];

  async read(signal?: AbortSignal): Promise<Buffer | null> {
    if (this.pushedBack.length > 0) return this.pushedBack.pop()!;
    if (signal?.aborted) throw new InterruptedError();
    return this.pull(signal);
  }

  unread(data: Buffer): void {
    if (data.length > 0) this.pushedBack.push(data);
  }

  protected abstract pull(signal?: AbortSignal): Promise<Buffer | null>;
}

/** Resolves when one of the events fires; rejects with InterruptedError on abort. */
export function waitForEvent(
  emitter: NodeJS.EventEmitter,
  events: string[],
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      cleanup();
      resolve();
    };
    const abort = () => {
      cleanup();
      reject(new InterruptedError());
    };
    const cleanup = () => {
      for (const event of events) emitter.off(event, done);
      signal?.removeEventListener('abort', abort);
    };
    for (const event of events) emitter.on(event, done);
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) abort();
  });
}

class ReadableInput extends BufferedInput {
  private ended = false;

  constructor(private readonly stream: Readable) {
    super();
    // A failing stdin is just an early end of input for the shell.
    stream.on('error', () => {
      this.ended = true;
    });
  }

  protected async pull(signal?: AbortSignal): Promise<Buffer | null> {
    for (;;) {
      if (this.ended) return null;
      const chunk: Buffer | string | null = this.stream.read();
      if (chunk !== null) return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (this.stream.readableEnded || this.stream.destroyed) {
        this.ended = true;
        return null;
      }
      await waitForEvent(this.stream, ['readable', 'end', 'close', 'error'], signal);
    }
  }
}

class EmptyInput extends BufferedInput {
  protected async pull(): Promise<Buffer | null> {
    return null;
  }
}

/** An Input over a Node stream; null gives an input that is already at its end. */
export function readableInput(stream: Readable | null | undefined): Input {
  return stream ? new ReadableInput(stream) : new EmptyInput();
}

/** An Output over a Node stream; resolves per write once the stream has processed it. */
export function writableOutput(stream: Writable): Output {
  stream.on('error', () => undefined);
  return {
    write(data) {
      return new Promise((resolve, reject) => {
        if (stream.destroyed || stream.writableEnded) {
          reject(new BrokenPipeError());
          return;
        }
        stream.write(data, (err) => (err ? reject(new BrokenPipeError()) : resolve()));
      });
    },
  };
}

/** An Output that collects what is written (command substitution), up to a limit. */
export class CaptureOutput implements Output {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit = 16 * 1024 * 1024) {}

  async write(data: string | Buffer): Promise<void> {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    this.size += chunk.length;
    // Past the limit the writer sees a broken pipe, so `$(yes)` ends instead of filling memory.
    if (this.size > this.limit) throw new BrokenPipeError();
    this.chunks.push(chunk);
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Reads one line (without its newline); null at end of input. Leaves what follows the line unread. */
export async function readLine(input: Input, signal?: AbortSignal): Promise<string | null> {
  const parts: Buffer[] = [];
  for (;;) {
    const chunk = await input.read(signal);
    if (chunk === null) return parts.length ? Buffer.concat(parts).toString('utf8') : null;
    const nl = chunk.indexOf(0x0a);
    if (nl < 0) {
      parts.push(chunk);
      continue;
    }
    input.unread(chunk.subarray(nl + 1));
    parts.push(chunk.subarray(0, nl));
    return Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
  }
}

/** An in-memory pipe with a bounded buffer: writers wait while it is full; closing the read end breaks it. */
export class Pipe {
  readonly input: Input;
  readonly output: Output;
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private writeClosed = false;
  private readClosed = false;
  private wakeReader?: () => void;
  private wakeWriters: (() => void)[] = [];

  constructor(private readonly capacity = 64 * 1024) {
    const pipe = this;
    this.output = { write: (data) => this.write(data) };
    this.input = new (class extends BufferedInput {
      protected pull(signal?: AbortSignal) {
        return pipe.pull(signal);
      }
    })();
  }

  closeWrite(): void {
    this.writeClosed = true;
    this.notifyReader();
  }

  closeRead(): void {
    this.readClosed = true;
    this.chunks.length = 0;
    this.buffered = 0;
    this.notifyWriters();
  }

  private async write(data: string | Buffer): Promise<void> {
    if (this.readClosed) throw new BrokenPipeError();
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.notifyReader();
    while (this.buffered > this.capacity && !this.readClosed) {
      await new Promise<void>((resolve) => this.wakeWriters.push(resolve));
    }
  }

  private async pull(signal?: AbortSignal): Promise<Buffer | null> {
    while (this.chunks.length === 0) {
      if (this.writeClosed || this.readClosed) return null;
      await new Promise<void>((resolve, reject) => {
        const abort = () => reject(new InterruptedError());
        signal?.addEventListener('abort', abort, { once: true });
        this.wakeReader = () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        };
      });
    }
    const chunk = this.chunks.shift()!;
    this.buffered -= chunk.length;
    this.notifyWriters();
    return chunk;
  }

  private notifyReader(): void {
    const wake = this.wakeReader;
    this.wakeReader = undefined;
    wake?.();
  }

  private notifyWriters(): void {
    const waiting = this.wakeWriters;
    this.wakeWriters = [];
    for (const wake of waiting) wake();
  }
}
