// One container of one pod through its whole life: start it, wait for it to exit, restart it by the pod's
// restartPolicy with CrashLoopBackOff, retry image pulls with ImagePullBackOff, and stop it on request.
// It keeps the state Kubernetes reports (state, lastState, restartCount) and the last terminated instance.
import path from 'node:path';
import { nowTimestamp } from '@hubspoke/api';
import { sleep } from '@hubspoke/client';
import type { Logger } from 'pino';
import { formatGoDuration } from './duration.ts';
import type { ContainerState, ContainerStatus, RestartPolicy } from './pod-status.ts';
import type { RestartBackoff } from './restart-backoff.ts';
import { ImagePullError } from './runtime/index.ts';
import type { ContainerExit, ContainerHandle, ContainerSpec, PodSandbox, Runtime } from './runtime/index.ts';

/** What a runner needs; the back-offs are shared by the whole kubelet, keyed per pod. */
export interface ContainerRunnerOptions {
  sandbox: PodSandbox;
  spec: ContainerSpec;
  restartPolicy: RestartPolicy;
  runtime: Runtime;
  /** `<rootDir>/logs/pods/<ns>_<pod>_<uid>/<container>`; attempt N logs to `N.log`. */
  logDir: string;
  crashBackoff: RestartBackoff;
  imageBackoff: RestartBackoff;
  /** Called after every state change. */
  onChange: () => void;
  logger: Logger;
}

/** A container instance that has exited, kept for `logs --previous`. */
export interface TerminatedInstance {
  handle: ContainerHandle;
  exit: ContainerExit;
}

/** What logs, exec, attach and port-forward read of a container: its spec, state and instances. */
export interface ContainerInstances {
  spec: ContainerSpec;
  status: ContainerStatus;
  /** The running instance. */
  handle?: ContainerHandle;
  /** The log `kubectl logs` reads: the running instance's, else the one its state or lastState reports. */
  logPath?: string;
  /** The log of the instance `lastState.terminated` reports (`kubectl logs --previous`). */
  previousLogPath?: string;
  /** Resolves when the running instance exits (at once when none runs). */
  exited: Promise<void>;
}

/** Runs one container until it is done for good or stopped. */
export class ContainerRunner {
  private state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  private lastState: ContainerState = {};
  private lastStateLogPath: string | undefined;
  private restartCount = 0;
  private imageID = '';
  private containerID = '';
  private running: ContainerHandle | undefined;
  private lastTerminated: TerminatedInstance | undefined;
  private readonly stopping = new AbortController();
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ContainerRunnerOptions) {}

  get name(): string {
    return this.opts.spec.name;
  }

  get image(): string {
    return this.opts.spec.image;
  }

  /** The running instance, if any. */
  get current(): ContainerHandle | undefined {
    return this.running;
  }

  /** The most recent instance that exited. */
  get previous(): TerminatedInstance | undefined {
    return this.lastTerminated;
  }

  /** The spec, state and instances now. */
  instances(): ContainerInstances {
    const handle = this.running;
    const terminatedLog = this.lastTerminated?.handle.logPath;
    // The kubelet's order (validateContainerLogStatus): running, terminated, then the last terminated state.
    const logPath = this.state.running ? handle?.logPath : this.state.terminated ? terminatedLog : this.lastStateLogPath;
    return {
      spec: this.opts.spec,
      status: this.status(),
      handle,
      logPath,
      previousLogPath: this.lastStateLogPath,
      exited: handle ? handle.exited.then(() => undefined) : Promise.resolve(),
    };
  }

  /** Starts the run loop (once). */
  start(): void {
    this.loop = this.run().catch((err: unknown) => this.opts.logger.error({ err, container: this.name }, 'Container loop failed'));
  }

  /** Stops for good: a running instance gets `gracePeriodMs` to exit; resolves when the loop is over. */
  async stop(gracePeriodMs: number): Promise<void> {
    this.stopping.abort();
    // Asking again with a shorter grace period (a force delete during a graceful one) cuts the wait short.
    if (this.running) await this.running.stop(gracePeriodMs);
    await this.loop;
    // A container waiting to restart ends with the state of its last run, as a terminated pod reports it.
    if (this.state.waiting && this.lastState.terminated) {
      this.state = { terminated: this.lastState.terminated };
      this.opts.onChange();
    }
  }

  /** The `v1.ContainerStatus` now. */
  status(): ContainerStatus {
    const status: ContainerStatus = {
      name: this.name,
      state: this.state,
      lastState: this.lastState,
      ready: Boolean(this.state.running),
      restartCount: this.restartCount,
      image: this.opts.spec.image,
      imageID: this.imageID,
      started: Boolean(this.state.running),
    };
    if (this.containerID) status.containerID = this.containerID;
    return status;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private set(state: ContainerState): void {
    this.state = state;
    this.opts.onChange();
  }

  private async run(): Promise<void> {
    const { sandbox, spec } = this.opts;
    const crashKey = `${sandbox.uid}_${spec.name}`;
    const imageKey = `${sandbox.uid}_${spec.image}`;
    let lastPullFailure = 0;

    while (!this.stopped) {
      const pullWait = this.opts.imageBackoff.remaining(imageKey, lastPullFailure).waitMs;
      if (lastPullFailure && pullWait > 0) {
        this.set({ waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${spec.image}"` } });
        await sleep(pullWait, this.stopping.signal);
        continue;
      }

      let handle: ContainerHandle;
      try {
        handle = await this.opts.runtime.startContainer(sandbox, spec, {
          logPath: path.join(this.opts.logDir, `${this.restartCount}.log`),
          attempt: this.restartCount,
        });
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof ImagePullError) {
          lastPullFailure = Date.now();
          const backoffMs = this.opts.imageBackoff.next(imageKey);
          this.set({ waiting: { reason: 'ErrImagePull', message: err.message } });
          // The kubelet's next sync shows ImagePullBackOff; keep ErrImagePull visible until then.
          await sleep(Math.min(1000, backoffMs / 2), this.stopping.signal);
          continue;
        }
        this.opts.logger.warn({ err, container: spec.name }, 'Failed to start container');
        this.set({ waiting: { reason: 'RunContainerError', message: (err as Error).message } });
        await sleep(this.opts.crashBackoff.next(crashKey), this.stopping.signal);
        continue;
      }

      if (this.stopped) {
        // Stop raced with the start: this instance must not outlive the pod.
        await handle.stop(0);
      }
      this.running = handle;
      this.containerID = handle.id;
      this.imageID = handle.imageID;
      this.set({ running: { startedAt: nowTimestamp(handle.startedAt) } });

      const exit = await handle.exited;
      this.running = undefined;
      this.lastTerminated = { handle, exit };
      const terminated: NonNullable<ContainerState['terminated']> = {
        exitCode: exit.exitCode,
        reason: exit.reason,
        startedAt: nowTimestamp(handle.startedAt),
        finishedAt: nowTimestamp(exit.finishedAt),
        containerID: handle.id,
      };
      if (exit.message) terminated.message = exit.message;
      this.set({ terminated });
      if (this.stopped || !this.shouldRestart(exit.exitCode)) break;

      this.lastState = { terminated };
      this.lastStateLogPath = handle.logPath;
      const { waitMs, backoffMs } = this.opts.crashBackoff.remaining(crashKey, exit.finishedAt.getTime());
      if (waitMs > 0) {
        const pod = `${sandbox.name}_${sandbox.namespace}(${sandbox.uid})`;
        this.set({
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${formatGoDuration(backoffMs)} restarting failed container=${spec.name} pod=${pod}`,
          },
        });
        await sleep(waitMs, this.stopping.signal);
        if (this.stopped) break;
      }
      this.opts.crashBackoff.next(crashKey);
      this.restartCount++;
    }
  }

  private shouldRestart(exitCode: number): boolean {
    if (this.opts.restartPolicy === 'Always') return true;
    return this.opts.restartPolicy === 'OnFailure' && exitCode !== 0;
  }
}
