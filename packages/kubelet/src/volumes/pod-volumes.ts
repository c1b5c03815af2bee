// The volumes of one pod, kept mounted: set up every volume before any container starts (retrying failed
// mounts with back-off, each failure logged as the FailedMount event Kubernetes would record), then remount
// periodically and on every pod update, so refreshed tokens and changed ConfigMaps and Secrets reach the
// containers. Each attached container gets a live file map that is rewritten in place: it sees new contents
// without a restart, as a kubelet's atomic writer swaps a volume's files under a running container.
import type { KubeObject } from '@hubspoke/api';
import { ExponentialBackoff, sleep } from '@hubspoke/client';
import type { Logger } from 'pino';
import type { BackoffBounds } from '../config.ts';
import { containerFiles, replaceContents } from './mounts.ts';
import { mountFailureMessage, setUpVolume } from './volume-setup.ts';
import type { PodVolume, VolumeContext, VolumeFiles, VolumeMount, VolumeSourceReader } from './types.ts';

/** Kubernetes' pod sync period (syncFrequency), which is also when volumes are remounted. */
export const DEFAULT_VOLUME_RESYNC_MS = 60_000;
/** Kubernetes' volume operation back-off: 500 ms doubling to 2 min 2 s. */
export const DEFAULT_MOUNT_RETRY: BackoffBounds = { initialMs: 500, maxMs: 122_000 };

/** What a pod's volume manager needs. */
export interface PodVolumesOptions {
  pod: KubeObject;
  reader: VolumeSourceReader;
  logger: Logger;
  resyncIntervalMs?: number;
  retry?: BackoffBounds;
}

/** A container whose file view follows the pod's volumes. */
export interface AttachedContainer {
  name: string;
  volumeMounts?: VolumeMount[];
  /** Its resolved environment, for `subPathExpr`. */
  env: Record<string, string>;
}

/** One volume that could not be mounted, with the event message Kubernetes would record. */
export interface MountFailure {
  volume: string;
  message: string;
}

/** Mounts and remounts one pod's volumes. */
export class PodVolumes {
  /** Resolves true once every volume is mounted, false when stopped before that. */
  readonly mounted: Promise<boolean>;
  private markMounted!: (ok: boolean) => void;
  private pod: KubeObject;
  private readonly contents = new Map<string, VolumeFiles>();
  private readonly views = new Map<string, { container: AttachedContainer; files: Map<string, string | Buffer> }>();
  private readonly stopping = new AbortController();
  private readonly reported = new Set<string>();
  private wake = new AbortController();
  private dirty = false;
  private lastFailures: MountFailure[] = [];
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly opts: PodVolumesOptions) {
    this.pod = opts.pod;
    this.mounted = new Promise((resolve) => (this.markMounted = resolve));
  }

  /** Starts mounting (once). */
  start(): void {
    this.loop = this.run().catch((err: unknown) => this.opts.logger.error({ err }, 'Volume manager failed'));
  }

  /** A newer version of the pod: remount soon (downward API files and token checks follow it). */
  update(pod: KubeObject): void {
    this.pod = pod;
    this.dirty = true;
    this.wake.abort();
  }

  /** The failures of the last mount attempt (empty once everything mounted). */
  failures(): readonly MountFailure[] {
    return this.lastFailures;
  }

  /** The live file map of `container`, filled from the current volume contents and kept up to date. */
  attach(container: AttachedContainer): Map<string, string | Buffer> {
    const files = new Map<string, string | Buffer>();
    this.views.set(container.name, { container, files });
    replaceContents(files, this.compose(container));
    return files;
  }

  /** Stops remounting; the containers keep the files they have. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.markMounted(false);
    await this.loop;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    const backoff = new ExponentialBackoff(this.opts.retry ?? DEFAULT_MOUNT_RETRY);
    while (!this.stopped) {
      if (await this.setUpAll()) {
        this.markMounted(true);
        break;
      }
      await this.wait(backoff.next());
    }
    while (!this.stopped) {
      await this.wait(this.opts.resyncIntervalMs ?? DEFAULT_VOLUME_RESYNC_MS);
      if (!this.stopped) await this.setUpAll();
    }
  }

  /** Sets up every volume; the ones that fail keep their previous contents. True when none failed. */
  private async setUpAll(): Promise<boolean> {
    const pod = this.pod;
    const volumes = podVolumes(pod);
    const ctx: VolumeContext = { pod, reader: this.opts.reader, skipped: (volume, what) => this.skipped(volume, what) };
    const results = await Promise.all(
      volumes.map((v) => setUpVolume(v, ctx).catch((err: unknown) => ({ kind: 'failed' as const, message: String((err as Error)?.message ?? err) }))),
    );
    if (this.stopped) return false;
    const failures: MountFailure[] = [];
    results.forEach((result, i) => {
      const volume = volumes[i].name;
      if (result.kind === 'ready') this.contents.set(volume, result.files);
      else failures.push({ volume, message: mountFailureMessage(volume, result.message) });
    });
    for (const failure of failures) {
      this.opts.logger.warn({ reason: 'FailedMount', volume: failure.volume, message: failure.message }, 'MountVolume.SetUp failed');
    }
    this.lastFailures = failures;
    for (const { container, files } of this.views.values()) replaceContents(files, this.compose(container));
    return failures.length === 0;
  }

  private compose(container: AttachedContainer): Map<string, string | Buffer> {
    return containerFiles({ mounts: container.volumeMounts, volumes: this.contents, env: container.env });
  }

  /** Sleeps `ms`, or less when the pod changes or the manager stops. */
  private async wait(ms: number): Promise<void> {
    if (!this.dirty) {
      this.wake = new AbortController();
      await sleep(ms, AbortSignal.any([this.stopping.signal, this.wake.signal]));
    }
    this.dirty = false;
  }

  private skipped(volume: string, what: string): void {
    const key = `${volume}\0${what}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.opts.logger.warn({ volume, skipped: what }, 'Volume content not supported by this node, left out');
  }
}

/** The pod's `spec.volumes` (empty when malformed). */
export function podVolumes(pod: KubeObject): PodVolume[] {
  const volumes = (pod.spec as { volumes?: unknown } | undefined)?.volumes;
  return Array.isArray(volumes) ? (volumes as PodVolume[]).filter((v) => typeof v?.name === 'string') : [];
}
