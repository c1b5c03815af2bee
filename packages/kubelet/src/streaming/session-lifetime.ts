// How long an exec or attach session lives, as the command inside sees it: until the client leaves or the
// streaming idle timeout fires, whichever comes first; and the stream taps that count bytes as activity.
import { Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { formatGoDuration } from '../duration.ts';
import { IdleTimer } from './idle-timeout.ts';
import { internalErrorStatus } from './status.ts';
import type { RemoteCommandSession, StreamStatus } from './types.ts';

/** The lifetime of one remote-command session. */
export class SessionLifetime {
  /** Aborted when the client leaves or the session idles out. */
  readonly signal: AbortSignal;
  /** Resolves when the client leaves (or the transport closed). */
  readonly closed: Promise<void>;
  /** Resolves when `signal` aborts: the client left or the session idled out. */
  readonly over: Promise<void>;
  readonly idle: IdleTimer;
  private readonly abort = new AbortController();
  private idledOut = false;

  constructor(
    session: RemoteCommandSession,
    private readonly idleTimeoutMs: number,
  ) {
    this.signal = this.abort.signal;
    this.idle = new IdleTimer(idleTimeoutMs, () => {
      this.idledOut = true;
      this.abort.abort();
    });
    this.closed = new Promise((resolve) =>
      session.onClose(() => {
        this.abort.abort();
        resolve();
      }),
    );
    this.over = new Promise((resolve) => this.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** The status to end with when the session idled out. */
  idleStatus(): StreamStatus | undefined {
    if (!this.idledOut) return undefined;
    return internalErrorStatus(`streaming connection idle timeout (${formatGoDuration(this.idleTimeoutMs)}) exceeded`);
  }

  /** The session is over: no more timeouts. */
  stop(): void {
    this.idle.stop();
  }

  /** `source` as a reader sees it, each chunk counting as activity; `detach` stops taking from `source`. */
  tapReadable(source: Readable): { readable: Readable; detach(): void } {
    const tap = this.idle.tap();
    source.pipe(tap);
    return { readable: tap, detach: () => void source.unpipe(tap) };
  }

  /**
   * A writable in front of `target`, each chunk counting as activity. `drain` ends it and waits until all
   * of it reached `target` (or the client left: output nobody will read is not waited for).
   */
  tapWritable(target: Writable): { writable: Writable; drain(): Promise<void> } {
    const tap = this.idle.tap();
    tap.pipe(target, { end: false });
    return {
      writable: tap,
      drain: async () => {
        tap.end();
        await Promise.race([finished(tap).catch(() => undefined), this.closed]);
      },
    };
  }
}

/** A writable that accepts and drops everything. */
export function discardWritable(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}
