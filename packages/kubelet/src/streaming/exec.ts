// `kubectl exec`: runs a command in a running container over a remote-command session, whatever transport
// carries it, and ends the session with the command's outcome as the kubelet reports it (Success, Failure
// NonZeroExitCode with the exit code, or an internal error).
import type { ContainerHandle } from '../runtime/index.ts';
import { discardWritable, SessionLifetime } from './session-lifetime.ts';
import { exitCodeStatus, internalErrorStatus, successStatus } from './status.ts';
import type { RemoteCommandSession, StreamStatus, TerminalSize } from './types.ts';

/** One exec. */
export interface ExecOptions {
  session: RemoteCommandSession;
  /** The running container; undefined when it is gone. */
  handle: ContainerHandle | undefined;
  container: string;
  command: string[];
  tty: boolean;
  idleTimeoutMs: number;
}

/** Runs the command until it exits, the client leaves, or the session idles out; resolves when it is over. */
export async function runExec(opts: ExecOptions): Promise<void> {
  const { session, handle } = opts;
  if (!handle) {
    session.end(internalErrorStatus(`error executing command in container: container not found ("${opts.container}")`));
    return;
  }
  const life = new SessionLifetime(session, opts.idleTimeoutMs);
  const stdin = session.stdin ? life.tapReadable(session.stdin) : undefined;
  const stdout = session.stdout ? life.tapWritable(session.stdout) : undefined;
  const stderr = session.stderr ? life.tapWritable(session.stderr) : undefined;
  // The latest size is kept from the start: kubectl sends the initial size right after connecting.
  let terminalSize: TerminalSize | undefined;
  session.onResize((size) => {
    life.idle.touch();
    terminalSize = size;
  });

  let status: StreamStatus;
  try {
    const exitCode = await handle.exec({
      command: opts.command,
      stdin: stdin?.readable,
      // The runtime requires a stdout: output nobody asked for is dropped, as the CRI drops it.
      stdout: stdout?.writable ?? discardWritable(),
      stderr: stderr?.writable,
      tty: opts.tty,
      terminalSize: () => terminalSize,
      signal: life.signal,
    });
    status = exitCode === 0 ? successStatus() : exitCodeStatus(opts.command, exitCode);
  } catch (err) {
    status = internalErrorStatus(`error executing command in container: ${(err as Error).message}`);
  }
  stdin?.detach();
  await Promise.all([stdout?.drain(), stderr?.drain()]);
  life.stop();
  session.end(life.idleStatus() ?? status);
}
