// One listening socket on a Service's ClusterIP:port. Each accepted connection gets an endpoint from the
// port's balancer and is handed to the relay. Closing stops accepting but lets relayed connections finish,
// as removing a Service in Kubernetes does not cut established flows.
import net from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { formatEndpoint } from './endpoint-slices.ts';
import type { RoundRobinBalancer } from './load-balancer.ts';
import type { ProxyMetrics } from './metrics.ts';
import { relayConnection } from './relay.ts';
import type { ServicePortSpec } from './service-ports.ts';

/** What a listener needs. */
export interface ServiceListenerOptions {
  spec: ServicePortSpec;
  balancer: RoundRobinBalancer;
  metrics: ProxyMetrics;
  logger: Logger;
  dialTimeoutsMs?: readonly number[];
}

/** A listening Service address. */
export interface ServiceListener {
  readonly spec: ServicePortSpec;
  /** Stops accepting at once (the address is free again); relayed connections carry on until they end. */
  close(): void;
  /** Stops accepting and destroys the relayed connections too (proxy shutdown). */
  destroy(): Promise<void>;
}

/** The outcome of opening a listener: a listener, or why the address could not be bound. */
export type OpenListenerResult = { kind: 'listening'; listener: ServiceListener } | { kind: 'failed'; code: string; message: string };

/** Binds `spec.address:spec.port` and starts relaying. */
export async function openServiceListener(opts: ServiceListenerOptions): Promise<OpenListenerResult> {
  const { spec, balancer, metrics, logger } = opts;
  const sockets = new Set<Socket>();
  const server: Server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    metrics.stats.connectionsAccepted++;
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    void handle(client);
  });

  async function handle(client: Socket): Promise<void> {
    const clientIP = (client.remoteAddress ?? '').replace(/^::ffff:/, '');
    const log = logger.child({ servicePortName: spec.key, client: `${clientIP}:${client.remotePort}` });
    const outcome = await relayConnection({
      client,
      choose: (reselect) => balancer.next(clientIP, { reselect }),
      dialTimeoutsMs: opts.dialTimeoutsMs,
      onDialError: (endpoint, err) => {
        metrics.stats.dialFailures++;
        log.warn({ endpoint: formatEndpoint(endpoint), err: err.message }, 'Dial failed, trying the next endpoint');
      },
    });
    switch (outcome.kind) {
      case 'rejected':
        metrics.stats.connectionsRejected++;
        log.warn({}, 'Rejected connection: service port has no ready endpoints');
        return;
      case 'failed':
        metrics.stats.connectionsFailed++;
        log.warn({ attempts: outcome.attempts }, 'Failed to connect to an endpoint; connection reset');
        return;
      case 'client-gone':
        return;
      case 'relaying': {
        metrics.stats.connectionsProxied++;
        metrics.stats.activeConnections++;
        log.debug({ endpoint: formatEndpoint(outcome.endpoint) }, 'Proxying connection');
        const totals = await outcome.done;
        metrics.stats.activeConnections--;
        metrics.stats.bytesToEndpoints += totals.toEndpoint;
        metrics.stats.bytesToClients += totals.toClient;
        return;
      }
    }
  }

  const bound = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once('error', resolve);
    server.listen({ host: spec.address, port: spec.port, exclusive: true }, () => {
      server.off('error', resolve);
      resolve(undefined);
    });
  });
  if (bound) return { kind: 'failed', code: bound.code ?? 'UNKNOWN', message: listenFailure(spec, bound) };
  server.on('error', (err) => logger.error({ servicePortName: spec.key, err: err.message }, 'Service listener error'));

  // server.close() releases the listening socket immediately but calls back only after the last
  // connection has ended.
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    kind: 'listening',
    listener: {
      spec,
      close: () => void close(),
      destroy: async () => {
        const done = close();
        for (const socket of sockets) socket.destroy();
        await done;
      },
    },
  };
}

// The error names the Service and address and, for the two failures a lab user will meet, what to do.
function listenFailure(spec: ServicePortSpec, err: NodeJS.ErrnoException): string {
  const where = `listen tcp ${spec.address}:${spec.port} for service port ${spec.key}`;
  switch (err.code) {
    case 'EADDRNOTAVAIL':
      return `${where}: ${spec.address} is not an address of this host (EADDRNOTAVAIL); a user-space proxy can only bind local addresses (on one host, pick a --service-cluster-ip-range inside 127.0.0.0/8)`;
    case 'EACCES':
      return `${where}: permission denied (EACCES); ports below 1024 need root or CAP_NET_BIND_SERVICE (sudo setcap cap_net_bind_service=+ep "$(command -v node)", or sysctl net.ipv4.ip_unprivileged_port_start=0)`;
    case 'EADDRINUSE':
      return `${where}: address already in use (EADDRINUSE); another process, or another kube-proxy, is listening there`;
    default:
      return `${where}: ${err.message}`;
  }
}
