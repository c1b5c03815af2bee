// `--streaming-connection-idle-timeout`: a session in which no bytes moved either way for this long is
// closed (Kubernetes sets the same deadline on the connection's reads and writes; default 4 h).
import { Transform } from 'node:stream';

/** Kubernetes' default streaming idle timeout. */
export const DEFAULT_STREAMING_IDLE_TIMEOUT_MS = 4 * 3_600_000;

/** Calls `onIdle` once when `touch` has not been called for `timeoutMs`. */
export class IdleTimer {
  private last = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onIdle: () => void,
  ) {
    this.arm(timeoutMs);
  }

  /** Something moved. */
  touch(): void {
    this.last = Date.now();
  }

  /** The session ended on its own. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A pass-through stream that counts every chunk as activity. */
  tap(): Transform {
    return new Transform({
      transform: (chunk, _encoding, callback) => {
        this.touch();
        callback(null, chunk);
      },
    });
  }

  // Re-arming on each check (not on each chunk) keeps touch() cheap on busy streams.
  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      const remaining = this.last + this.timeoutMs - Date.now();
      if (remaining > 0) this.arm(remaining);
      else {
        this.timer = undefined;
        this.onIdle();
      }
    }, ms);
    this.timer.unref();
  }
}
