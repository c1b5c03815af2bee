// The user-space proxier: reconciles the open Service listeners with the Services and EndpointSlices it is
// given. New service ports open a listener, removed ones close theirs (established connections finish),
// and endpoint or affinity changes swap the port's balancer contents, so they apply to new connections.
import type { Logger } from 'pino';
import { formatEndpoint, readyEndpoints, slicesByService } from './endpoint-slices.ts';
import { RoundRobinBalancer } from './load-balancer.ts';
import type { ProxyMetrics } from './metrics.ts';
import { openServiceListener } from './service-listener.ts';
import type { ServiceListener } from './service-listener.ts';
import { listenerId, servicePortsOf } from './service-ports.ts';
import type { ServicePortSpec } from './service-ports.ts';
import type { EndpointSlice, Service } from './service-types.ts';

/** One Service address the proxy listens on. */
export interface ListenerInfo {
  namespace: string;
  service: string;
  /** The Service port's name ('' when unnamed). */
  portName: string;
  /** The Service port. */
  port: number;
  /** The ClusterIP. */
  address: string;
}

/** What the proxier needs. */
export interface ProxierOptions {
  metrics: ProxyMetrics;
  logger: Logger;
  /** This proxy's node, for `internalTrafficPolicy: Local`; without it every endpoint counts as local. */
  nodeName?: string;
  dialTimeoutsMs?: readonly number[];
}

type ListenerState =
  | { kind: 'listening'; listener: ServiceListener }
  // A failed bind is retried when the Service changes, not on every sync, so a taken port logs once.
  | { kind: 'unbound'; failedAtVersion?: string };

interface Entry {
  spec: ServicePortSpec;
  balancer: RoundRobinBalancer;
  state: ListenerState;
}

/** Listeners and balancers for every proxied service port. */
export class Proxier {
  private readonly entries = new Map<string, Entry>();
  /** Listeners of removed ports: closed to new connections, still relaying old ones until stop(). */
  private readonly draining = new Set<ServiceListener>();
  private readonly skippedLogged = new Set<string>();

  constructor(private readonly opts: ProxierOptions) {}

  /** Brings the listeners in line with `services` and `slices`; resolves when new listeners are bound. */
  async sync(services: readonly Service[], slices: readonly EndpointSlice[]): Promise<void> {
    const { logger } = this.opts;
    const grouped = slicesByService(slices);
    const desired = new Map<string, { spec: ServicePortSpec; version: string }>();
    for (const service of services) {
      const { ports, skipped } = servicePortsOf(service);
      for (const spec of ports) desired.set(listenerId(spec), { spec, version: service.metadata.resourceVersion ?? '' });
      for (const skip of skipped) {
        if (this.skippedLogged.has(skip.key)) continue;
        this.skippedLogged.add(skip.key);
        logger.warn({ servicePortName: skip.key, protocol: skip.protocol }, 'Service port not proxied: the user-space proxy only proxies TCP');
      }
    }

    for (const [id, entry] of this.entries) {
      if (desired.has(id)) continue;
      this.entries.delete(id);
      if (entry.state.kind === 'listening') {
        this.drain(entry.state.listener);
        logger.info({ servicePortName: entry.spec.key, address: `${entry.spec.address}:${entry.spec.port}` }, 'Closed service listener');
      }
    }

    const opening: Promise<void>[] = [];
    for (const [id, { spec, version }] of desired) {
      const endpoints = readyEndpoints(grouped.get(`${spec.namespace}/${spec.service}`) ?? [], {
        portName: spec.portName,
        protocol: spec.protocol,
        nodeName: spec.nodeLocal ? this.opts.nodeName : undefined,
      });
      let entry = this.entries.get(id);
      const before = entry?.balancer.endpoints().map(formatEndpoint).join(',');
      if (!entry) {
        entry = { spec, balancer: new RoundRobinBalancer(), state: { kind: 'unbound' } };
        this.entries.set(id, entry);
      }
      entry.spec = spec;
      entry.balancer.update(endpoints, spec.affinity);
      const after = endpoints.map(formatEndpoint).join(',');
      if (before !== undefined && before !== after) logger.debug({ servicePortName: spec.key, endpoints: after }, 'Endpoints changed');
      if (entry.state.kind === 'unbound' && entry.state.failedAtVersion !== version) opening.push(this.open(entry, version));
    }
    await Promise.all(opening);
    this.opts.metrics.stats.listeners = this.listeners().length;
  }

  /** The Service addresses currently listened on. */
  listeners(): ListenerInfo[] {
    const out: ListenerInfo[] = [];
    for (const { spec, state } of this.entries.values()) {
      if (state.kind !== 'listening') continue;
      out.push({ namespace: spec.namespace, service: spec.service, portName: spec.portName, port: spec.port, address: spec.address });
    }
    return out;
  }

  /** Closes every listener and ends every relayed connection. */
  private drain(listener: ServiceListener): void {
    listener.close();
    this.draining.add(listener);
  }

  async stop(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    const draining = [...this.draining];
    this.draining.clear();
    await Promise.all([
      ...entries.map((e) => (e.state.kind === 'listening' ? e.state.listener.destroy() : undefined)),
      ...draining.map((l) => l.destroy()),
    ]);
    this.opts.metrics.stats.listeners = 0;
  }

  private async open(entry: Entry, version: string): Promise<void> {
    const { spec } = entry;
    const result = await openServiceListener({
      spec,
      balancer: entry.balancer,
      metrics: this.opts.metrics,
      logger: this.opts.logger,
      dialTimeoutsMs: this.opts.dialTimeoutsMs,
    });
    // A sync that removed this port while it was binding has already dropped the entry.
    if (this.entries.get(listenerId(spec)) !== entry) {
      if (result.kind === 'listening') this.drain(result.listener);
      return;
    }
    if (result.kind === 'failed') {
      entry.state = { kind: 'unbound', failedAtVersion: version };
      this.opts.logger.error({ servicePortName: spec.key, address: `${spec.address}:${spec.port}`, code: result.code }, result.message);
      return;
    }
    entry.state = { kind: 'listening', listener: result.listener };
    this.opts.logger.info(
      { servicePortName: spec.key, address: `${spec.address}:${spec.port}`, endpoints: entry.balancer.endpoints().length },
      'Opened service listener',
    );
  }
}
