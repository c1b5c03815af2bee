// The kubelet's view of "my pods": it watches pods bound to this node (fieldSelector spec.nodeName) and
// keeps one PodWorker per pod uid, handing out pod IPs on admission and taking them back on removal. It also
// owns what all pods share: the Service cache (service variables) and the ServiceAccount token cache.
import type { KubeObject } from '@hubspoke/api';
import type { ApiClient, Informer } from '@hubspoke/client';
import { listAndWatch, resourcePath } from '@hubspoke/client';
import type { Logger } from 'pino';
import type { BackoffBounds } from './config.ts';
import { PodIPAllocator } from './pod-ip.ts';
import { PodWorker } from './pod-sync.ts';
import { RestartBackoff } from './restart-backoff.ts';
import type { Runtime } from './runtime/index.ts';
import { watchServices } from './service-env.ts';
import type { ServiceWatch } from './service-env.ts';
import { apiTokenRequester, apiVolumeSourceReader } from './volumes/cluster-reader.ts';
import { TokenManager } from './volumes/token-manager.ts';
import type { VolumeSourceReader } from './volumes/types.ts';

/** What the pod manager needs from the kubelet. */
export interface PodManagerOptions {
  client: ApiClient;
  nodeName: string;
  nodeIP: string;
  rootDir: string;
  runtime: Runtime;
  /** The node's pod CIDR; without one, pods share the node IP (as hostNetwork pods do). */
  podCIDR?: string;
  crashLoopBackoff: BackoffBounds;
  imagePullBackoff: BackoffBounds;
  relistBackoff: BackoffBounds;
  /** The time token expiry is judged by; the wall clock by default. */
  clock?: () => Date;
  /** Volume remount period and mount retry back-off; Kubernetes' values when absent. */
  volumeTiming?: { resyncIntervalMs?: number; retry?: BackoffBounds };
  logger: Logger;
}

/** Runs the pods the apiserver binds to this node. */
export class PodManager {
  private readonly workers = new Map<string, PodWorker>();
  private readonly ips: PodIPAllocator | undefined;
  private readonly crashBackoff: RestartBackoff;
  private readonly imageBackoff: RestartBackoff;
  private readonly tokens: TokenManager;
  private readonly volumeReader: VolumeSourceReader;
  private informer: Informer | undefined;
  private services: ServiceWatch | undefined;

  constructor(private readonly opts: PodManagerOptions) {
    this.ips = opts.podCIDR ? new PodIPAllocator(opts.podCIDR) : undefined;
    this.crashBackoff = new RestartBackoff(opts.crashLoopBackoff);
    this.imageBackoff = new RestartBackoff(opts.imagePullBackoff);
    this.tokens = new TokenManager({ requestToken: apiTokenRequester(opts.client), now: opts.clock, logger: opts.logger });
    this.volumeReader = apiVolumeSourceReader(opts.client, this.tokens);
    if (!this.ips) opts.logger.warn({ node: opts.nodeName }, 'No pod CIDR: pods get the node IP');
  }

  /** Starts watching; the returned promise resolves after the first list was handled. */
  start(): Promise<void> {
    this.services = watchServices({ client: this.opts.client, backoff: this.opts.relistBackoff, logger: this.opts.logger });
    this.informer = listAndWatch(
      this.opts.client,
      resourcePath({ version: 'v1', resource: 'pods' }),
      {
        fieldSelector: `spec.nodeName=${this.opts.nodeName}`,
        backoff: this.opts.relistBackoff,
        onError: (err) => this.opts.logger.warn({ err }, 'Pod watch failed, relisting'),
      },
      {
        onAdd: (pod) => this.add(pod),
        onUpdate: (pod, old) => {
          if (pod.metadata.uid !== old.metadata.uid) {
            // Same name, new object: the old pod was deleted and recreated between two events.
            this.remove(old);
            this.add(pod);
          } else this.workers.get(pod.metadata.uid!)?.update(pod);
        },
        onDelete: (pod) => this.remove(pod),
      },
    );
    return this.informer.synced;
  }

  /** Every pod this kubelet runs, with the status it computed. */
  pods(): KubeObject[] {
    return [...this.workers.values()].map((w) => w.pod);
  }

  /** The worker of pod `namespace/name`. */
  worker(namespace: string, name: string): PodWorker | undefined {
    for (const w of this.workers.values()) {
      const m = w.pod.metadata;
      if (m.namespace === namespace && m.name === name) return w;
    }
    return undefined;
  }

  /** Stops watching and stops every container (the pods stay in the apiserver). */
  async stop(): Promise<void> {
    await this.informer?.stop();
    await Promise.all([...this.workers.values()].map((w) => w.kill()));
    await this.services?.stop();
    this.workers.clear();
  }

  private add(pod: KubeObject): void {
    const uid = pod.metadata.uid;
    const services = this.services;
    if (!uid || !services || this.workers.has(uid)) return;
    const hostNetwork = Boolean((pod.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork);
    let podIP = this.opts.nodeIP;
    if (this.ips && !hostNetwork) {
      try {
        podIP = this.ips.allocate(uid);
      } catch (err) {
        this.opts.logger.error({ err, pod: `${pod.metadata.namespace}/${pod.metadata.name}` }, 'Cannot admit pod');
        return;
      }
    }
    const worker = new PodWorker({
      pod,
      podIP,
      hostIP: this.opts.nodeIP,
      nodeName: this.opts.nodeName,
      rootDir: this.opts.rootDir,
      runtime: this.opts.runtime,
      client: this.opts.client,
      crashBackoff: this.crashBackoff,
      imageBackoff: this.imageBackoff,
      volumeReader: this.volumeReader,
      services,
      volumeTiming: this.opts.volumeTiming,
      logger: this.opts.logger.child({ pod: `${pod.metadata.namespace}/${pod.metadata.name}` }),
    });
    this.workers.set(uid, worker);
    this.opts.logger.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, podIP }, 'Admitted pod');
    worker.start();
  }

  private remove(pod: KubeObject): void {
    const uid = pod.metadata.uid;
    const worker = uid ? this.workers.get(uid) : undefined;
    if (!worker || !uid) return;
    this.workers.delete(uid);
    this.tokens.deletePodTokens(uid);
    void worker.kill().finally(() => this.ips?.release(uid));
  }
}
