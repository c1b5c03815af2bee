// The container runtime contract the kubelet's pod sync is written against. The toy runtime implements it;
// a fake or a CRI client could too.
import type { Readable, Writable } from 'node:stream';

/** What the runtime needs to know about the pod a container runs in. */
export interface PodSandbox {
  uid: string;
  namespace: string;
  name: string;
  ip: string;
  hostname: string;
}

/** One declared container port (`v1.ContainerPort`, the fields the runtime uses). */
export interface ContainerPortSpec {
  containerPort: number;
  protocol?: string;
  name?: string;
}

/** A container as the kubelet resolved it: env already expanded, files already projected. */
export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env: Record<string, string>;
  ports: ContainerPortSpec[];
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  /** Files visible to the container (path → content), e.g. later the ServiceAccount token. */
  files?: Map<string, string | Buffer>;
}

/** How a container ended (`v1.ContainerStateTerminated`, the fields the runtime knows). */
export interface ContainerExit {
  exitCode: number;
  reason: 'Completed' | 'Error' | 'OOMKilled' | 'ContainerCannotRun';
  message?: string;
  signal?: string;
  finishedAt: Date;
}

/** An address a container program listens on, as bound (port 0 resolved). */
export interface ListenAddress {
  name: string;
  address: string;
  port: number;
}

/** A command run inside a running container (`kubectl exec`). */
export interface ExecRequest {
  command: string[];
  stdin?: Readable;
  stdout: Writable;
  stderr?: Writable;
  tty?: boolean;
  /**
   * With tty: the client's terminal size as last reported (undefined before the first report), read
   * whenever the command asks, so resizes during the exec reach it; without, the size is 80x24.
   */
  terminalSize?: () => { width: number; height: number } | undefined;
  signal?: AbortSignal;
}

/** A started container. Its output goes to the CRI log at `logPath` and to `onOutput` listeners. */
export interface ContainerHandle {
  /** e.g. "hubspoke://<64 hex>" */
  id: string;
  /** e.g. "hubspoke/logger@sha256:<hex>" */
  imageID: string;
  startedAt: Date;
  logPath: string;
  /** The attempt number the kubelet started this container with (its restart count). */
  restartCount: number;
  /** Resolves once, after the log file holds everything the container wrote. Never rejects. */
  exited: Promise<ContainerExit>;
  /**
   * Writable end of the container's stdin (null unless spec.stdin). Ending it gives the program EOF:
   * the kubelet ends it when an attach session closes and spec.stdinOnce is set.
   */
  stdin: Writable | null;
  /**
   * Live output for attach: subscribe to what the container writes after now. Listeners are called
   * synchronously and the program does not wait for them: an attach side with a slow client must
   * apply its own flow control (pause/drop/disconnect) instead of buffering without bound.
   */
  onOutput(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): () => void;
  /** SIGTERM semantics: ask the program to stop; after gracePeriodMs force it (exit 137). */
  stop(gracePeriodMs: number): Promise<ContainerExit>;
  /**
   * Run a command inside the container's program context (the toy shell; never a host command).
   * Resolves with its exit status; never ends the caller's streams. Throws ContainerNotRunningError
   * once the container has exited.
   */
  exec(req: ExecRequest): Promise<number>;
  /** Terminal size changes for a tty container (present only when spec.tty). */
  resize?(size: { width: number; height: number }): void;
  /** The sockets the container's program listens on. */
  listeners(): ListenAddress[];
}

/** Starts containers from images. */
export interface Runtime {
  /** Throws ImagePullError for an image it does not have. */
  startContainer(pod: PodSandbox, spec: ContainerSpec, opts: { logPath: string; attempt: number }): Promise<ContainerHandle>;
  /** Every image name the runtime can start (canonical names and aliases). */
  images(): string[];
}
