// What an image program gets: the container's streams, environment and files, its pod's address, SIGTERM
// as an AbortSignal, and helpers that bind sockets on the pod IP and release them when the container ends.
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { ContainerPortSpec, ContainerSpec, ListenAddress, PodSandbox } from './types.ts';

/**
 * How a program reacts to SIGTERM: 'handle' = it watches `ctx.signal` and exits by itself (within the grace
 * period, else it is killed with 137); 'terminate' = the default disposition, the container ends at once
 * with 143.
 */
export type SigtermDisposition = 'handle' | 'terminate';

/** A toy image: a program shipped with hubspoke plus the image config Kubernetes consults. */
export interface ToyImage {
  /** Canonical name, e.g. "hubspoke/logger". */
  name: string;
  description: string;
  /** ENTRYPOINT and CMD: `command` replaces the entrypoint, `args` replaces cmd, as in Kubernetes. */
  entrypoint?: string[];
  cmd?: string[];
  sigterm: SigtermDisposition;
  /** Resolves with the exit code. Throw CannotRunError when the argv names nothing the image has. */
  run(ctx: ProgramContext): Promise<number>;
}

/** The process environment of one container program. */
export interface ProgramContext {
  /** The image reference as the pod spec wrote it, e.g. "nginx:1.27". */
  image: string;
  pod: PodSandbox;
  container: string;
  attempt: number;
  /** The process argv: entrypoint/command plus cmd/args. */
  argv: string[];
  env: Readonly<Record<string, string>>;
  workingDir: string;
  /** spec.files plus /etc/hostname and /etc/hosts; a live view (the kubelet may refresh files). */
  files: ReadonlyMap<string, string | Buffer>;
  ports: ContainerPortSpec[];
  tty: boolean;
  stdin: Readable;
  /** Each write completes once it is in the container log: await `print` for backpressure. */
  stdout: Writable;
  stderr: Writable;
  /** Aborted on SIGTERM (and on kill). */
  signal: AbortSignal;
  /** Aborted when the container is gone: its streams and sockets are already closed. */
  killed: AbortSignal;
  /** Terminal size from the last resize (tty containers). */
  terminalSize(): { width: number; height: number } | undefined;
  /** Writes to stdout (or stderr) and waits until the log has it. */
  print(data: string | Buffer, stream?: 'stdout' | 'stderr'): Promise<void>;
  /** Sleeps; resolves false early when SIGTERM arrives. */
  sleep(ms: number): Promise<boolean>;
  /** Binds a server on the pod IP; the runtime closes it and its connections when the container ends. */
  listen(server: Server, port: number, name?: string): Promise<AddressInfo>;
  /** Registers an outgoing socket to be destroyed when the container ends. */
  track(socket: Socket): void;
}

/** The argv names nothing the image can run: the container ends with ContainerCannotRun (exit 128). */
export class CannotRunError extends Error {
  constructor(executable: string) {
    super(`exec: "${executable}": executable file not found in $PATH`);
    this.name = 'CannotRunError';
  }
}

/** Kubernetes' rule: command replaces ENTRYPOINT, args replace CMD, and command alone drops CMD. */
export function effectiveArgv(image: ToyImage, spec: Pick<ContainerSpec, 'command' | 'args'>): string[] {
  const entrypoint = spec.command ?? image.entrypoint ?? [];
  const cmd = spec.args ?? (spec.command ? [] : (image.cmd ?? []));
  return [...entrypoint, ...cmd];
}

/** The port a server image listens on: first containerPort, else env PORT, else the image default. */
export function choosePort(ctx: Pick<ProgramContext, 'ports' | 'env'>, fallback: number): number {
  if (ctx.ports.length > 0) return ctx.ports[0].containerPort;
  const fromEnv = Number.parseInt(ctx.env.PORT ?? '', 10);
  return Number.isInteger(fromEnv) && fromEnv >= 0 ? fromEnv : fallback;
}

/** Writes to a Node stream and resolves when the stream has processed the chunk. */
export function writeTo(stream: Writable, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.destroyed || stream.writableEnded) {
      reject(new Error('write after the stream closed'));
      return;
    }
    stream.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

/** The sockets a program opened; closed together when its container ends. */
export class ProgramResources {
  readonly addresses: ListenAddress[] = [];
  private readonly servers = new Set<Server>();
  private readonly sockets = new Set<Socket>();
  private closed = false;

  constructor(private readonly ip: string) {}

  async listen(server: Server, port: number, name = 'default'): Promise<AddressInfo> {
    if (this.closed) throw new Error('container has exited');
    server.on('connection', (socket: Socket) => this.track(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.ip, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.servers.add(server);
    const address = server.address() as AddressInfo;
    this.addresses.push({ name, address: address.address, port: address.port });
    return address;
  }

  track(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Like a process exit: listeners close and every connection is reset. */
  closeAll(): void {
    this.closed = true;
    for (const server of this.servers) server.close();
    for (const socket of this.sockets) socket.destroy();
    this.servers.clear();
    this.sockets.clear();
    this.addresses.length = 0;
  }
}

/** A sleep that ends early (false) on abort. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A non-negative integer from the environment, or the fallback when unset or malformed. */
export function intFromEnv(env: Readonly<Record<string, string>>, name: string, fallback: number): number {
  const value = Number(env[name]);
  return env[name] !== undefined && env[name] !== '' && Number.isInteger(value) && value >= 0 ? value : fallback;
}

/** Resolves when the signal aborts (at once if it already has). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
