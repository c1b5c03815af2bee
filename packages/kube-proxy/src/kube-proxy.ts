// startKubeProxy: Services and EndpointSlices from the apiserver, a user-space proxier that listens on every
// ClusterIP:port and relays to ready endpoints, and kube-proxy's health and metrics servers.
//
// User space is the mode Kubernetes had before iptables: the proxy itself accepts each connection on the
// Service address and copies bytes to an endpoint, so nothing touches the host firewall. The single-host lab
// runs ONE kube-proxy for the whole cluster: every node and pod shares the host's network (pod IPs and
// ClusterIPs are all on 127/8), so one listener per ClusterIP:port serves every node; started without a
// node name it also treats every endpoint as node-local. A multi-host setup runs one per host, each with
// its --hostname-override.
import { pino } from 'pino';
import type { Logger } from 'pino';
import { listAndWatch } from '@hubspoke/client';
import type { ApiClient, BackoffOptions, Informer } from '@hubspoke/client';
import { PROXY_MODE } from './config.ts';
import { startHealthServer } from './health-server.ts';
import { parseHostPort } from './host-port.ts';
import type { RunningServer } from './http-server.ts';
import { ProxyMetrics } from './metrics.ts';
import type { ProxyStats } from './metrics.ts';
import { startMetricsServer } from './metrics-server.ts';
import { watchNodeEligibility } from './node-eligibility.ts';
import type { NodeEligibility } from './node-eligibility.ts';
import { Proxier } from './proxier.ts';
import type { ListenerInfo } from './proxier.ts';
import { PROXYABLE_SELECTOR } from './service-types.ts';
import type { EndpointSlice, Service } from './service-types.ts';

/** What startKubeProxy needs. */
export interface KubeProxyOptions {
  /** The apiserver connection (kube-proxy's user is `system:kube-proxy`, bound to `system:node-proxier`). */
  client: ApiClient;
  /** This proxy's Node: /healthz follows its deletion and `internalTrafficPolicy: Local` filters by it. */
  nodeName?: string;
  /** Parent logger; the proxy logs through a child `{component: 'kube-proxy'}`. */
  logger?: Logger;
  /** `IP:port` (or `:port`, on bindAddress) for /healthz and /livez; absent or '' serves none. */
  healthzBindAddress?: string;
  /** `IP:port` (or `:port`, on bindAddress) for /metrics; absent or '' serves none. */
  metricsBindAddress?: string;
  /** Host for `:port` server addresses; default 0.0.0.0. */
  bindAddress?: string;
  /** Delay before relisting after a failed list or watch (tests shorten it). */
  relistBackoff?: BackoffOptions;
  /** Per-attempt endpoint dial timeouts; default 250 ms, 500 ms, 1 s, 2 s. */
  dialTimeoutsMs?: readonly number[];
}

/** A running kube-proxy. */
export interface KubeProxyHandle {
  /** Resolves once Services and EndpointSlices were listed and the listeners opened for them. */
  ready: Promise<void>;
  /** Stops watching, closes every listener and connection and the servers. */
  stop(): Promise<void>;
  /** The Service addresses listened on now. */
  listeners(): ListenerInfo[];
  /** Live counters. */
  stats: Readonly<ProxyStats>;
  /** Where /healthz is served (port resolved), when it is. */
  healthzAddress?: string;
  /** Where /metrics is served (port resolved), when it is. */
  metricsAddress?: string;
}

/** Starts the proxy; rejects when a health or metrics address is invalid or cannot be bound. */
export async function startKubeProxy(opts: KubeProxyOptions): Promise<KubeProxyHandle> {
  const logger = (opts.logger ?? pino()).child({ component: 'kube-proxy' });
  const bindHost = opts.bindAddress || '0.0.0.0';
  const healthzAt = parseHostPort(opts.healthzBindAddress ?? '', 'HealthzBindAddress', bindHost);
  const metricsAt = parseHostPort(opts.metricsBindAddress ?? '', 'MetricsBindAddress', bindHost);
  const metrics = new ProxyMetrics();
  const proxier = new Proxier({ metrics, logger, nodeName: opts.nodeName, dialTimeoutsMs: opts.dialTimeoutsMs });
  let lastUpdated: Date | undefined;
  let node: NodeEligibility | undefined;

  let healthz: RunningServer | undefined;
  let metricsServer: RunningServer | undefined;
  try {
    if (healthzAt) healthz = await startHealthServer(healthzAt, { lastUpdated: () => lastUpdated, nodeEligible: () => node?.eligible() ?? true }, metrics);
    if (metricsAt) metricsServer = await startMetricsServer(metricsAt, metrics);
  } catch (err) {
    await healthz?.close();
    throw err;
  }

  // Syncs run one at a time; changes that arrive meanwhile are folded into one more run.
  let stopped = false;
  let informersSynced = false;
  let dirty = false;
  let running: Promise<void> | undefined;
  const syncNow = (): Promise<void> => {
    dirty = true;
    running ??= (async () => {
      while (dirty && !stopped) {
        dirty = false;
        const started = performance.now();
        try {
          await proxier.sync(services.list(), slices.list());
        } catch (err) {
          logger.error({ err: (err as Error).message }, 'Failed to sync service listeners');
          continue;
        }
        metrics.observeSync((performance.now() - started) / 1000, Date.now());
        lastUpdated = new Date();
      }
    })().finally(() => (running = undefined));
    return running;
  };
  const changed = (counter: 'serviceChanges' | 'endpointChanges') => () => {
    metrics.stats[counter]++;
    if (informersSynced) void syncNow();
  };
  const onError = (what: string) => (err: unknown) => logger.warn({ err: (err as Error).message }, `Failed to list or watch ${what}`);

  const services: Informer<Service> = listAndWatch<Service>(
    opts.client,
    '/api/v1/services',
    { labelSelector: PROXYABLE_SELECTOR, backoff: opts.relistBackoff, onError: onError('services') },
    { onAdd: changed('serviceChanges'), onUpdate: changed('serviceChanges'), onDelete: changed('serviceChanges'), onSync: () => informersSynced && void syncNow() },
  );
  const slices: Informer<EndpointSlice> = listAndWatch<EndpointSlice>(
    opts.client,
    '/apis/discovery.k8s.io/v1/endpointslices',
    { labelSelector: PROXYABLE_SELECTOR, backoff: opts.relistBackoff, onError: onError('endpointslices') },
    { onAdd: changed('endpointChanges'), onUpdate: changed('endpointChanges'), onDelete: changed('endpointChanges'), onSync: () => informersSynced && void syncNow() },
  );
  if (opts.nodeName) node = watchNodeEligibility(opts.client, opts.nodeName, { logger, backoff: opts.relistBackoff });

  logger.info({ mode: PROXY_MODE, node: opts.nodeName, healthz: healthz?.address, metrics: metricsServer?.address }, 'Starting kube-proxy');
  let rejectStopped!: (err: Error) => void;
  const whenStopped = new Promise<never>((_, reject) => (rejectStopped = reject));
  const firstSync = (async () => {
    await Promise.all([services.synced, slices.synced]);
    if (stopped) return;
    informersSynced = true;
    await syncNow();
    if (!stopped) logger.info({ listeners: proxier.listeners().length }, 'kube-proxy synced');
  })();
  const ready = Promise.race([firstSync.then(() => (stopped ? whenStopped : undefined)), whenStopped]);
  // Callers that never await ready must not see an unhandled rejection when stopping early.
  ready.catch(() => {});

  return {
    ready,
    listeners: () => proxier.listeners(),
    stats: metrics.stats,
    healthzAddress: healthz?.address,
    metricsAddress: metricsServer?.address,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      rejectStopped(new Error('kube-proxy stopped before its first sync'));
      await Promise.all([services.stop(), slices.stop(), node?.stop()]);
      await running;
      await proxier.stop();
      await Promise.all([healthz?.close(), metricsServer?.close()]);
      logger.info({}, 'kube-proxy stopped');
    },
  };
}
