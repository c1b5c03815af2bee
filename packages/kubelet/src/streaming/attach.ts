// `kubectl attach` (and `kubectl run -it`): connects a remote-command session to a running container's own
// stdin and live output until the container exits (Success), the client leaves, or the session idles out.
// The container does not wait for an attached client, so a client that cannot keep up is disconnected
// rather than buffered without bound.
import type { Writable } from 'node:stream';
import type { ContainerHandle, ContainerSpec } from '../runtime/index.ts';
import { SessionLifetime } from './session-lifetime.ts';
import { internalErrorStatus, successStatus } from './status.ts';
import type { RemoteCommandSession, StreamStatus } from './types.ts';

/** Output queued for a client beyond this ends the attach. */
export const ATTACH_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** One attach. */
export interface AttachOptions {
  session: RemoteCommandSession;
  /** The running container; undefined when it is gone. */
  handle: ContainerHandle | undefined;
  spec: ContainerSpec;
  idleTimeoutMs: number;
}

/** Attaches until the container exits, the client leaves, or the session idles out. */
export async function runAttach(opts: AttachOptions): Promise<void> {
  const { session, handle, spec } = opts;
  if (!handle) {
    session.end(internalErrorStatus(`error attaching to container: container not found ("${spec.name}")`));
    return;
  }
  const life = new SessionLifetime(session, opts.idleTimeoutMs);
  let tooSlow = false;
  let stopWaiting!: () => void;
  const overflow = new Promise<void>((resolve) => (stopWaiting = resolve));

  const unsubscribe = handle.onOutput((stream, chunk) => {
    const target: Writable | undefined = stream === 'stdout' ? session.stdout : session.stderr;
    if (!target || target.destroyed || tooSlow) return;
    life.idle.touch();
    if (target.writableLength > ATTACH_MAX_BUFFERED_BYTES) {
      tooSlow = true;
      stopWaiting();
      return;
    }
    target.write(chunk);
  });

  const containerStdin = spec.stdin ? handle.stdin : null;
  const input = session.stdin && containerStdin ? life.tapReadable(session.stdin) : undefined;
  if (input && containerStdin) {
    containerStdin.on('error', () => undefined);
    input.readable.pipe(containerStdin, { end: false });
    // stdinOnce: the first client to detach closes the container's stdin for good.
    if (spec.stdinOnce) input.readable.once('end', () => containerStdin.end());
  } else {
    // Nobody takes this input; reading it anyway keeps the transport reading, so a client leaving is seen.
    session.stdin?.resume();
  }
  session.onResize((size) => {
    life.idle.touch();
    handle.resize?.(size);
  });

  const exited = handle.exited.then(() => 'exited' as const);
  const outcome = await Promise.race([exited, life.over.then(() => 'over' as const), overflow.then(() => 'overflow' as const)]);

  unsubscribe();
  input?.detach();
  if (input && containerStdin) {
    input.readable.unpipe(containerStdin);
    // stdinOnce closes stdin after the one attach that opened it, however that attach ended.
    if (spec.stdinOnce && !containerStdin.destroyed && !containerStdin.writableEnded) containerStdin.end();
  }
  life.stop();
  session.end(life.idleStatus() ?? statusFor(outcome));
}

function statusFor(outcome: 'exited' | 'over' | 'overflow'): StreamStatus {
  if (outcome === 'overflow') {
    return internalErrorStatus(`error attaching to container: client too slow: more than ${ATTACH_MAX_BUFFERED_BYTES} bytes of output queued`);
  }
  return successStatus();
}
