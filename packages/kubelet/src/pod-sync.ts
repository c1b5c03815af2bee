// One pod on this node: admit it, run its containers, report its status, and tear it down — gracefully
// when the apiserver marks it for deletion (then the kubelet itself sends the final DELETE), at once
// when the object is already gone.
import path from 'node:path';
import type { KubeObject } from '@hubspoke/api';
import { ApiError, nowTimestamp } from '@hubspoke/api';
import type { ApiClient } from '@hubspoke/client';
import { resourcePath } from '@hubspoke/client';
import type { Logger } from 'pino';
import { ContainerRunner } from './container-runner.ts';
import { podContainers, resolveContainerSpec } from './container-spec.ts';
import { computePodStatus } from './pod-status.ts';
import type { PodStatus, RestartPolicy } from './pod-status.ts';
import { PodStatusWriter } from './pod-status-writer.ts';
import type { RestartBackoff } from './restart-backoff.ts';
import type { PodSandbox, Runtime } from './runtime/index.ts';

/** Kubernetes' default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_SECONDS = 30;

/** What a pod worker needs from the kubelet. */
export interface PodWorkerOptions {
  pod: KubeObject;
  podIP: string;
  hostIP: string;
  nodeName: string;
  rootDir: string;
  runtime: Runtime;
  client: ApiClient;
  crashBackoff: RestartBackoff;
  imageBackoff: RestartBackoff;
  logger: Logger;
}

/** The directory of a pod's container logs, as `/var/log/pods/<ns>_<pod>_<uid>` is laid out. */
export function podLogDir(rootDir: string, pod: KubeObject): string {
  const m = pod.metadata;
  return path.join(rootDir, 'logs', 'pods', `${m.namespace}_${m.name}_${m.uid}`);
}

/** Drives one pod (identified by its uid) on this node. */
export class PodWorker {
  private current: KubeObject;
  private readonly runners: ContainerRunner[] = [];
  private readonly writer: PodStatusWriter;
  private readonly startTime: string;
  private readonly sandbox: PodSandbox;
  private last: PodStatus;
  private terminating: Promise<void> | undefined;
  private terminal = false;
  private finished = false;

  constructor(private readonly opts: PodWorkerOptions) {
    this.current = opts.pod;
    const m = opts.pod.metadata;
    const spec = (opts.pod.spec ?? {}) as { hostname?: string; restartPolicy?: RestartPolicy };
    const previous = (opts.pod.status ?? {}) as Partial<PodStatus>;
    this.startTime = previous.startTime ?? nowTimestamp();
    this.sandbox = { uid: m.uid!, namespace: m.namespace!, name: m.name!, ip: opts.podIP, hostname: spec.hostname ?? m.name! };
    this.writer = new PodStatusWriter({ client: opts.client, namespace: m.namespace!, name: m.name!, uid: m.uid!, logger: opts.logger });
    const logDir = podLogDir(opts.rootDir, opts.pod);
    const placement = { podIP: opts.podIP, hostIP: opts.hostIP, nodeName: opts.nodeName };
    for (const container of podContainers(opts.pod)) {
      this.runners.push(
        new ContainerRunner({
          sandbox: this.sandbox,
          spec: resolveContainerSpec(opts.pod, container, placement, opts.logger),
          restartPolicy: spec.restartPolicy ?? 'Always',
          runtime: opts.runtime,
          logDir: path.join(logDir, container.name),
          crashBackoff: opts.crashBackoff,
          imageBackoff: opts.imageBackoff,
          onChange: () => this.publish(),
          logger: opts.logger,
        }),
      );
    }
    this.last = this.compute(previous);
  }

  get uid(): string {
    return this.sandbox.uid;
  }

  get podIP(): string {
    return this.opts.podIP;
  }

  /** The pod as last seen from the apiserver, with the status this kubelet computed. */
  get pod(): KubeObject {
    return { ...this.current, status: this.last };
  }

  /** The containers' runners (current and previous instances, for logs and streaming). */
  get containers(): readonly ContainerRunner[] {
    return this.runners;
  }

  /** Admits the pod: reports it Pending and starts its containers (unless it already finished). */
  start(): void {
    const phase = (this.current.status as Partial<PodStatus> | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      // A finished pod is never run again; keep its final status.
      this.terminal = true;
      this.last = { ...this.last, ...(this.current.status as PodStatus) };
    } else {
      this.publish();
      for (const runner of this.runners) runner.start();
    }
    if (this.current.metadata.deletionTimestamp) void this.terminate();
  }

  /** A newer version of the pod object; a deletionTimestamp starts graceful termination. */
  update(pod: KubeObject): void {
    this.current = pod;
    if (pod.metadata.deletionTimestamp) void this.terminate();
  }

  /**
   * Graceful deletion: stop every container within the grace period, report the final status, then
   * DELETE the pod with gracePeriodSeconds=0 and a uid precondition so the apiserver removes it.
   */
  terminate(): Promise<void> {
    this.terminating ??= (async () => {
      const meta = this.current.metadata;
      const spec = (this.current.spec ?? {}) as { terminationGracePeriodSeconds?: number };
      const graceSeconds = meta.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
      this.opts.logger.info({ pod: this.key, gracePeriod: graceSeconds }, 'Killing pod with grace period');
      await Promise.all(this.runners.map((r) => r.stop(graceSeconds * 1000)));
      this.terminal = true;
      this.publish();
      await this.writer.flush();
      try {
        await this.opts.client.delete(resourcePath({ version: 'v1', resource: 'pods', namespace: meta.namespace, name: meta.name }), {
          gracePeriodSeconds: 0,
          preconditions: { uid: this.uid },
        });
      } catch (err) {
        // 404: already gone; 409: the name now belongs to a new pod. Either way this pod is finished.
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) {
          this.opts.logger.warn({ err, pod: this.key }, 'Failed to delete pod');
        }
      }
    })();
    return this.terminating;
  }

  /** The pod object is gone (or the kubelet stops): stop containers at once and stop reporting. */
  async kill(gracePeriodMs = 0): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.writer.close();
    await Promise.all(this.runners.map((r) => r.stop(gracePeriodMs)));
    for (const runner of this.runners) {
      this.opts.crashBackoff.forget(`${this.uid}_${runner.name}`);
      this.opts.imageBackoff.forget(`${this.uid}_${runner.image}`);
    }
  }

  private get key(): string {
    return `${this.sandbox.namespace}/${this.sandbox.name}`;
  }

  private compute(previous: Partial<PodStatus>): PodStatus {
    const spec = (this.current.spec ?? {}) as { restartPolicy?: RestartPolicy };
    return computePodStatus({
      restartPolicy: spec.restartPolicy ?? 'Always',
      containers: this.runners.map((r) => r.status()),
      hostIP: this.opts.hostIP,
      podIP: this.opts.podIP,
      startTime: this.startTime,
      previous,
      terminal: this.terminal,
    });
  }

  private publish(): void {
    if (this.finished) return;
    this.last = this.compute(this.last);
    this.writer.set(this.last);
  }
}
