// What a terminal device does between a user's keystrokes and a program in canonical mode: echo, line
// editing (backspace, Ctrl-U), Enter ends a line, Ctrl-D ends input, Ctrl-C interrupts; and on output, ONLCR
// turns "\n" into "\r\n". kubectl puts the local terminal in raw mode, so the remote side must do this.
import { BufferedInput, InterruptedError, type Input, type Output } from './io.ts';

/** ONLCR: every "\n" becomes "\r\n". */
export function translateNewlines(data: Buffer): Buffer {
  let count = 0;
  for (const byte of data) if (byte === 0x0a) count++;
  if (count === 0) return data;
  const out = Buffer.allocUnsafe(data.length + count);
  let at = 0;
  for (const byte of data) {
    if (byte === 0x0a) out[at++] = 0x0d;
    out[at++] = byte;
  }
  return out;
}

/** An Output with ONLCR applied. */
export function terminalOutput(output: Output): Output {
  return { write: (data) => output.write(translateNewlines(typeof data === 'string' ? Buffer.from(data) : data)) };
}

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const BACKSPACE = 0x08;
const CTRL_U = 0x15;
const ESC = 0x1b;
const DEL = 0x7f;
const MAX_QUEUED_BYTES = 64 * 1024;

type EscapeState = 'none' | 'esc' | 'csi' | 'ss3';

/**
 * Canonical-mode input: reads raw keystrokes in the background (so Ctrl-C works while nothing reads) and
 * hands out whole lines. Echo goes to `echo`, which should be the terminal's (ONLCR) output.
 */
export class LineDiscipline extends BufferedInput {
  /** Called on Ctrl-C; the shell points it at the foreground command. */
  onInterrupt: () => void = () => undefined;
  private readonly queue: (Buffer | null)[] = [];
  private queuedBytes = 0;
  private line: number[] = [];
  private escape: EscapeState = 'none';
  private rawEnded = false;
  private closed = false;
  private wakeReader?: () => void;
  private wakePump?: () => void;

  constructor(
    private readonly raw: Input,
    private readonly echo: Output,
  ) {
    super();
    void this.pump();
  }

  /** Stops reading keystrokes. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  protected async pull(signal?: AbortSignal): Promise<Buffer | null> {
    while (this.queue.length === 0) {
      if (this.rawEnded || this.closed) return null;
      await new Promise<void>((resolve, reject) => {
        const abort = () => reject(new InterruptedError());
        signal?.addEventListener('abort', abort, { once: true });
        this.wakeReader = () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        };
      });
    }
    const item = this.queue.shift()!;
    if (item) this.queuedBytes -= item.length;
    this.wakePump?.();
    return item;
  }

  private async pump(): Promise<void> {
    try {
      while (!this.closed) {
        if (this.queuedBytes > MAX_QUEUED_BYTES) {
          await new Promise<void>((resolve) => (this.wakePump = resolve));
          continue;
        }
        const chunk = await this.raw.read();
        if (chunk === null) break;
        await this.process(chunk);
      }
    } catch {
      // A failed echo or read means the terminal is gone; the reader sees end of input.
    }
    if (this.line.length > 0) this.enqueue(Buffer.from(this.line));
    this.line = [];
    this.rawEnded = true;
    this.notify();
  }

  private async process(chunk: Buffer): Promise<void> {
    let echo: number[] = [];
    const flushEcho = async () => {
      if (echo.length) await this.echo.write(Buffer.from(echo));
      echo = [];
    };
    for (const byte of chunk) {
      if (this.escape !== 'none') {
        this.escape = nextEscapeState(this.escape, byte);
        continue;
      }
      switch (byte) {
        case 0x0d:
        case 0x0a:
          echo.push(0x0a);
          this.enqueue(Buffer.from([...this.line, 0x0a]));
          this.line = [];
          break;
        case DEL:
        case BACKSPACE:
          if (this.eraseChar()) echo.push(BACKSPACE, 0x20, BACKSPACE);
          break;
        case CTRL_U:
          while (this.eraseChar()) echo.push(BACKSPACE, 0x20, BACKSPACE);
          break;
        case CTRL_C:
          echo.push(0x5e, 0x43, 0x0a); // "^C\n"
          this.line = [];
          await flushEcho();
          this.onInterrupt();
          break;
        case CTRL_D:
          this.enqueue(this.line.length ? Buffer.from(this.line) : null);
          this.line = [];
          break;
        case ESC:
          this.escape = 'esc';
          break;
        default:
          if (byte < 0x20 && byte !== 0x09) break; // other control keys do nothing here
          this.line.push(byte);
          echo.push(byte);
      }
    }
    await flushEcho();
  }

  /** Removes one UTF-8 character from the line being edited. */
  private eraseChar(): boolean {
    if (this.line.length === 0) return false;
    while (this.line.length > 0 && (this.line[this.line.length - 1] & 0xc0) === 0x80) this.line.pop();
    this.line.pop();
    return true;
  }

  private enqueue(item: Buffer | null): void {
    this.queue.push(item);
    if (item) this.queuedBytes += item.length;
    this.notify();
  }

  private notify(): void {
    const wake = this.wakeReader;
    this.wakeReader = undefined;
    wake?.();
  }
}

// Arrow and function keys arrive as escape sequences; a canonical-mode line editor without history drops them.
function nextEscapeState(state: EscapeState, byte: number): EscapeState {
  if (state === 'esc') return byte === 0x5b ? 'csi' : byte === 0x4f ? 'ss3' : 'none';
  if (state === 'csi') return byte >= 0x40 && byte <= 0x7e ? 'none' : 'csi';
  return 'none';
}
