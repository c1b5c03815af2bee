// One pod on this node: admit it, mount its volumes, run its containers, report its status, and tear it
// down — gracefully when the apiserver marks it for deletion (then the kubelet itself sends the final
// DELETE), at once when the object is already gone. Containers are created only once every volume is mounted
// and the Services are known (their variables are part of the environment); until then they wait in
// ContainerCreating.
import path from 'node:path';
import type { KubeObject } from '@hubspoke/api';
import { ApiError, nowTimestamp } from '@hubspoke/api';
import type { ApiClient } from '@hubspoke/client';
import { resourcePath } from '@hubspoke/client';
import type { Logger } from 'pino';
import { ContainerRunner } from './container-runner.ts';
import { podContainers, resolveContainerSpec } from './container-spec.ts';
import type { PodContainer, PodPlacement } from './container-spec.ts';
import type { BackoffBounds } from './config.ts';
import { computePodStatus } from './pod-status.ts';
import type { PodStatus, RestartPolicy } from './pod-status.ts';
import { PodStatusWriter } from './pod-status-writer.ts';
import type { RestartBackoff } from './restart-backoff.ts';
import type { ContainerSpec, PodSandbox, Runtime } from './runtime/index.ts';
import { enableServiceLinks } from './service-env.ts';
import type { ServiceEnvSource } from './service-env.ts';
import { PodVolumes } from './volumes/pod-volumes.ts';
import type { VolumeSourceReader } from './volumes/types.ts';

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
  /** Reads what the pod's volumes project: ConfigMaps, Secrets, ServiceAccount tokens. */
  volumeReader: VolumeSourceReader;
  /** The Service cache behind the containers' service variables. */
  services: ServiceEnvSource;
  /** Volume remount period and mount retry back-off; Kubernetes' values when absent. */
  volumeTiming?: { resyncIntervalMs?: number; retry?: BackoffBounds };
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
  private runners: ContainerRunner[] = [];
  private readonly volumes: PodVolumes;
  private readonly placement: PodPlacement;
  private readonly logDir: string;
  /** Aborted when the pod is being torn down: no container may start after that. */
  private readonly halt = new AbortController();
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
    const spec = (opts.pod.spec ?? {}) as { hostname?: string };
    const previous = (opts.pod.status ?? {}) as Partial<PodStatus>;
    this.startTime = previous.startTime ?? nowTimestamp();
    this.sandbox = { uid: m.uid!, namespace: m.namespace!, name: m.name!, ip: opts.podIP, hostname: spec.hostname ?? m.name! };
    this.writer = new PodStatusWriter({ client: opts.client, namespace: m.namespace!, name: m.name!, uid: m.uid!, logger: opts.logger });
    this.logDir = podLogDir(opts.rootDir, opts.pod);
    this.placement = { podIP: opts.podIP, hostIP: opts.hostIP, nodeName: opts.nodeName };
    this.volumes = new PodVolumes({ pod: opts.pod, reader: opts.volumeReader, logger: opts.logger, ...opts.volumeTiming });
    // Until the containers are created, runners over their declared specs report ContainerCreating.
    this.runners = podContainers(opts.pod).map((c) => this.runnerFor(pendingSpec(c)));
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

  /** Admits the pod: reports it Pending, mounts its volumes, then starts its containers (unless it already finished). */
  start(): void {
    const phase = (this.current.status as Partial<PodStatus> | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      // A finished pod is never run again; keep its final status.
      this.terminal = true;
      this.last = { ...this.last, ...(this.current.status as PodStatus) };
    } else {
      this.publish();
      this.volumes.start();
      void this.startContainers().catch((err: unknown) => this.opts.logger.error({ err, pod: this.key }, 'Failed to start containers'));
    }
    if (this.current.metadata.deletionTimestamp) void this.terminate();
  }

  /** A newer version of the pod object: volumes follow it; a deletionTimestamp starts graceful termination. */
  update(pod: KubeObject): void {
    const previous = this.current;
    this.current = pod;
    // The kubelet's own status writes come back on the watch; only spec and metadata changes concern volumes
    // (downward API labels and annotations, new sources), as the real volume manager sees it.
    if (volumeInputsChanged(previous, pod)) this.volumes.update(pod);
    if (pod.metadata.deletionTimestamp) void this.terminate();
  }

  /**
   * Graceful deletion: stop every container within the grace period, report the final status, then
   * DELETE the pod with gracePeriodSeconds=0 and a uid precondition so the apiserver removes it.
   */
  terminate(): Promise<void> {
    this.terminating ??= (async () => {
      this.halt.abort();
      await this.volumes.stop();
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
    this.halt.abort();
    await this.volumes.stop();
    await this.writer.close();
    await Promise.all(this.runners.map((r) => r.stop(gracePeriodMs)));
    for (const runner of this.runners) {
      this.opts.crashBackoff.forget(`${this.uid}_${runner.name}`);
      this.opts.imageBackoff.forget(`${this.uid}_${runner.image}`);
    }
  }

  /** Waits for the volumes and the Services, then creates the containers with their final specs. */
  private async startContainers(): Promise<void> {
    if (!(await this.volumes.mounted)) return;
    const halted = new Promise<void>((resolve) => this.halt.signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([this.opts.services.synced, halted]);
    if (this.halt.signal.aborted) return;
    const pod = this.current;
    const serviceEnv = this.opts.services.envFor(this.sandbox.namespace, enableServiceLinks(pod));
    this.runners = podContainers(pod).map((container) => {
      const spec = resolveContainerSpec({ pod, container, placement: this.placement, serviceEnv, logger: this.opts.logger });
      spec.files = this.volumes.attach({ name: container.name, volumeMounts: container.volumeMounts, env: spec.env });
      return this.runnerFor(spec);
    });
    for (const runner of this.runners) runner.start();
  }

  private runnerFor(spec: ContainerSpec): ContainerRunner {
    const restartPolicy = (this.opts.pod.spec as { restartPolicy?: RestartPolicy } | undefined)?.restartPolicy ?? 'Always';
    return new ContainerRunner({
      sandbox: this.sandbox,
      spec,
      restartPolicy,
      runtime: this.opts.runtime,
      logDir: path.join(this.logDir, spec.name),
      crashBackoff: this.opts.crashBackoff,
      imageBackoff: this.opts.imageBackoff,
      onChange: () => this.publish(),
      logger: this.opts.logger,
    });
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

/** A container's spec as declared, before its environment and files are resolved. */
function pendingSpec(container: PodContainer): ContainerSpec {
  const { name, image, command, args, workingDir, stdin, stdinOnce, tty } = container;
  return { name, image, command, args, workingDir, env: {}, ports: container.ports ?? [], stdin, stdinOnce, tty };
}

function volumeInputsChanged(before: KubeObject, after: KubeObject): boolean {
  const inputs = (p: KubeObject) => JSON.stringify([p.spec, p.metadata.labels, p.metadata.annotations]);
  return inputs(before) !== inputs(after);
}
