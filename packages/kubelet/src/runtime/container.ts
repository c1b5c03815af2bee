// One running toy container: wires a program to its stdin, its CRI log and attach listeners, and gives it
// the process lifecycle of a real container (SIGTERM, grace period, kill, exit status, exec).
import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { openCriLogWriter, type CriLogWriter, type LogStream } from './cri-log.ts';
import { ContainerNotRunningError } from './errors.ts';
import { PodFiles } from './pod-files.ts';
import {
  abortableSleep,
  CannotRunError,
  effectiveArgv,
  ProgramResources,
  writeTo,
  type ProgramContext,
  type ToyImage,
} from './program.ts';
import { runShellProcess, type ShellConfig } from './shell.ts';
import { translateNewlines } from './shell/tty.ts';
import type { ContainerExit, ContainerHandle, ContainerSpec, ExecRequest, ListenAddress, PodSandbox } from './types.ts';

/** Everything needed to start one container. */
export interface ToyContainerConfig {
  pod: PodSandbox;
  spec: ContainerSpec;
  image: ToyImage;
  imageID: string;
  logPath: string;
  attempt: number;
}

/** How the program ended, before finishing touches. `killed` = streams are cut, not flushed. */
interface Outcome {
  exitCode: number;
  reason: ContainerExit['reason'];
  message?: string;
  signal?: string;
  killed?: boolean;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Opens the log and starts the program; the handle is returned once the program is running. */
export async function startToyContainer(config: ToyContainerConfig): Promise<ContainerHandle> {
  const log = await openCriLogWriter(config.logPath);
  return new ToyContainer(config, log);
}

class ToyContainer implements ContainerHandle {
  readonly id = `hubspoke://${randomBytes(32).toString('hex')}`;
  readonly imageID: string;
  readonly startedAt = new Date();
  readonly logPath: string;
  readonly restartCount: number;
  readonly stdin: PassThrough | null;
  readonly exited: Promise<ContainerExit>;
  readonly resize?: (size: { width: number; height: number }) => void;
  private readonly outputListeners = new Set<(stream: LogStream, chunk: Buffer) => void>();
  private readonly sigterm = new AbortController();
  private readonly kill = new AbortController();
  private readonly resources: ProgramResources;
  private readonly execs = new Set<AbortController>();
  private readonly streams: Writable[] = [];
  private readonly shellConfig: ShellConfig;
  private terminalSize?: { width: number; height: number };
  private running = true;
  private settle!: (outcome: Outcome) => void;

  constructor(
    private readonly config: ToyContainerConfig,
    private readonly log: CriLogWriter,
  ) {
    const { pod, spec, image } = config;
    this.imageID = config.imageID;
    this.logPath = config.logPath;
    this.restartCount = config.attempt;
    this.resources = new ProgramResources(pod.ip);
    this.stdin = spec.stdin ? new PassThrough() : null;
    if (spec.tty) this.resize = (size) => (this.terminalSize = { ...size });
    const env = { PATH: DEFAULT_PATH, HOSTNAME: pod.hostname, ...spec.env, HOME: spec.env.HOME ?? '/root' };
    const files = new PodFiles(pod, spec.files);
    const workingDir = spec.workingDir || '/';
    this.shellConfig = { env, cwd: workingDir, hostname: pod.hostname, files };
    const stdout = this.output('stdout');
    // A tty has one output stream: stderr lands in stdout, as in Kubernetes' logs for tty containers.
    const stderr = this.output(spec.tty ? 'stdout' : 'stderr');
    const ctx: ProgramContext = {
      image: spec.image,
      pod,
      container: spec.name,
      attempt: config.attempt,
      argv: effectiveArgv(image, spec),
      env,
      workingDir,
      files,
      ports: spec.ports,
      tty: spec.tty ?? false,
      stdin: this.stdin ?? new PassThrough().end(),
      stdout,
      stderr,
      signal: this.sigterm.signal,
      killed: this.kill.signal,
      terminalSize: () => this.terminalSize,
      print: (data, stream = 'stdout') => writeTo(stream === 'stdout' ? stdout : stderr, data),
      sleep: (ms) => abortableSleep(ms, this.sigterm.signal),
      listen: (server, port, name) => this.resources.listen(server, port, name),
      track: (socket) => this.resources.track(socket),
    };
    const outcome = new Promise<Outcome>((resolve) => (this.settle = resolve));
    void this.runProgram(ctx).then((o) => this.settle(o));
    this.exited = outcome.then((o) => this.finish(o));
  }

  onOutput(listener: (stream: LogStream, chunk: Buffer) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  stop(gracePeriodMs: number): Promise<ContainerExit> {
    if (!this.running) return this.exited;
    this.sigterm.abort();
    if (this.config.image.sigterm === 'terminate') {
      this.settle({ exitCode: 143, reason: 'Error', signal: 'SIGTERM', killed: true });
    } else {
      const timer = setTimeout(
        () => this.settle({ exitCode: 137, reason: 'Error', signal: 'SIGKILL', killed: true }),
        Math.max(0, gracePeriodMs),
      );
      void this.exited.then(() => clearTimeout(timer));
    }
    return this.exited;
  }

  async exec(req: ExecRequest): Promise<number> {
    if (!this.running) throw new ContainerNotRunningError(this.id);
    const session = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, session.signal]) : session.signal;
    this.execs.add(session);
    try {
      return await runShellProcess(this.shellConfig, req.command, {
        stdin: req.stdin ?? null,
        stdout: req.stdout,
        stderr: req.stderr,
        tty: req.tty ?? false,
        onlcr: req.tty ?? false,
        terminalSize: req.terminalSize,
        signal,
      });
    } finally {
      this.execs.delete(session);
    }
  }

  listeners(): ListenAddress[] {
    return [...this.resources.addresses];
  }

  /** A program-facing output stream: each write completes once it is in the log. */
  private output(stream: LogStream): Writable {
    const tty = this.config.spec.tty ?? false;
    const writable = new Writable({
      highWaterMark: 64 * 1024,
      write: (chunk: Buffer, _encoding, callback) => {
        const data = tty ? translateNewlines(chunk) : chunk;
        for (const listener of this.outputListeners) {
          try {
            listener(stream, data);
          } catch {
            // An attach client's failure is its own; the container keeps running.
          }
        }
        this.log.write(stream, data).then(() => callback(), callback);
      },
    });
    writable.on('error', () => undefined);
    this.streams.push(writable);
    return writable;
  }

  private async runProgram(ctx: ProgramContext): Promise<Outcome> {
    try {
      const code = await this.config.image.run(ctx);
      const exitCode = ((Math.trunc(code) % 256) + 256) % 256;
      return { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' };
    } catch (err) {
      if (err instanceof CannotRunError) return { exitCode: 128, reason: 'ContainerCannotRun', message: err.message };
      const message = err instanceof Error ? err.message : String(err);
      // Like an uncaught exception in a real process: the trace goes to stderr, the exit code is 1.
      await ctx.print(`${err instanceof Error ? (err.stack ?? message) : message}\n`, 'stderr').catch(() => undefined);
      return { exitCode: 1, reason: 'Error', message };
    }
  }

  private async finish(outcome: Outcome): Promise<ContainerExit> {
    this.running = false;
    const finishedAt = new Date();
    this.sigterm.abort();
    this.kill.abort();
    for (const session of this.execs) session.abort();
    this.resources.closeAll();
    this.stdin?.destroy();
    await Promise.all(this.streams.map((s) => (outcome.killed ? s.destroy() : endStream(s))));
    // `exited` never rejects: a log that cannot be closed has lost nothing the writes did not already report.
    await this.log.close().catch(() => undefined);
    const { exitCode, reason, message, signal } = outcome;
    return { exitCode, reason, finishedAt, ...(message ? { message } : {}), ...(signal ? { signal } : {}) };
  }
}

function endStream(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableFinished) {
      resolve();
      return;
    }
    stream.once('close', () => resolve());
    stream.end(() => resolve());
  });
}
