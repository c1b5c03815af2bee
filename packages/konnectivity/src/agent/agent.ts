// startKonnectivityAgent: dial out to the proxy server, keep the tunnel up, and dial locally for each DIAL_REQ.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { AGENT_ID_HEADER, AGENT_IDENTIFIERS_HEADER, AGENT_PATH } from '../tunnel/handshake.ts';
import { Tunnel } from '../tunnel/tunnel.ts';
import { WebSocketClient, type WebSocketClientOptions } from '../tunnel/ws-library.ts';
import { dialLocal, type LocalDial } from './dial.ts';
import { nextBackoff, type BackoffOptions } from './backoff.ts';

/** Agent configuration (flags are parsed in bin/). */
export interface KonnectivityAgentOptions {
  /** `--proxy-server-host`, `--proxy-server-port` (default 8132). */
  proxyServerHost: string;
  proxyServerPort?: number;
  /** `--ca-cert`: CA that verifies the server's certificate (system roots when absent). */
  caCert?: string;
  /** Name the server certificate must carry (default the host). */
  serverName?: string;
  /** `--agent-cert`, `--agent-key`: client certificate authentication. */
  agentCert?: string;
  agentKey?: string;
  /** ServiceAccount token, read again before each connection so a rotated token is picked up. */
  serviceAccountToken?: () => Promise<string> | string;
  /** `--agent-id` (default the host name plus a random suffix). */
  agentId?: string;
  /** `--agent-identifiers`, e.g. `ipv4=1.2.3.4&host=node-1`. */
  agentIdentifiers?: string;
  /** `--health-server-port`: /healthz and /readyz (connected to the server). */
  healthServerPort?: number;
  healthBindAddress?: string;
  /** Local dial timeout (default 10 s). */
  dialTimeoutMs?: number;
  /** Reconnect backoff (default 1 s doubling to 30 s). */
  backoff?: BackoffOptions;
  logger?: Logger;
}

/** A running agent. */
export interface KonnectivityAgent {
  readonly agentId: string;
  /** Whether the tunnel to the server is open right now. */
  readonly connected: boolean;
  /** Why the last connection attempt or tunnel failed. */
  readonly lastError: string | undefined;
  /** Connections this agent relays right now. */
  readonly openConnections: number;
  /** Bound health port, when one was asked for. */
  readonly healthPort: number | undefined;
  /** Resolves once connected (immediately if already); rejects after `timeoutMs` with the last error. */
  whenConnected(timeoutMs?: number): Promise<void>;
  /** Stops reconnecting and drops the tunnel and every relayed connection. */
  close(): Promise<void>;
}

/** Starts the agent; it connects in the background and reconnects with backoff whenever the tunnel is lost. */
export async function startKonnectivityAgent(options: KonnectivityAgentOptions): Promise<KonnectivityAgent> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const agentId = options.agentId ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
  const port = options.proxyServerPort ?? 8132;
  const url = `wss://${options.proxyServerHost.includes(':') ? `[${options.proxyServerHost}]` : options.proxyServerHost}:${port}${AGENT_PATH}`;
  const dialTimeoutMs = options.dialTimeoutMs ?? 10_000;

  let connected = false;
  let lastError: string | undefined;
  let stopped = false;
  let tunnel: Tunnel | undefined;
  let delay: number | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  const waiters = new Set<() => void>();

  const connectOnce = async () => {
    if (stopped) return;
    const headers: Record<string, string> = { [AGENT_ID_HEADER]: agentId, [AGENT_IDENTIFIERS_HEADER]: options.agentIdentifiers ?? '' };
    try {
      if (options.serviceAccountToken) headers.authorization = `Bearer ${(await options.serviceAccountToken()).trim()}`;
    } catch (error) {
      return down(`cannot read the ServiceAccount token: ${(error as Error).message}`);
    }
    const wsOptions: WebSocketClientOptions = {
      headers,
      perMessageDeflate: false,
      rejectUnauthorized: true,
      handshakeTimeout: 10_000,
      ...(options.caCert ? { ca: options.caCert } : {}),
      ...(options.agentCert && options.agentKey ? { cert: options.agentCert, key: options.agentKey } : {}),
      ...(options.serverName ? { servername: options.serverName } : {}),
    };
    const ws = new WebSocketClient(url, undefined, wsOptions);
    const dials = new Map<number, LocalDial>();
    let refusal: string | undefined;
    const current = new Tunnel(ws, {
      onDialRequest: ({ id, host, port: targetPort }) => {
        const dial = dialLocal({ host, port: targetPort, timeoutMs: dialTimeoutMs });
        dials.set(id, dial);
        void dial.result.then((result) => {
          dials.delete(id);
          if (result.kind === 'failed') {
            logger.info({ id, host, port: targetPort, error: result.error }, 'dial failed');
            current.send({ type: 'DIAL_RSP', id, error: result.error });
            return;
          }
          if (current.isLost) return void result.socket.destroy();
          current.send({ type: 'DIAL_RSP', id });
          current.attach(id, result.socket);
        });
      },
      onUnattachedClose: (id) => dials.get(id)?.cancel(),
      onLost: (reason) => {
        for (const dial of dials.values()) dial.cancel();
        if (tunnel === current) tunnel = undefined;
        if (connected) logger.warn({ reason }, 'tunnel to the proxy server lost');
        down(refusal ?? reason);
      },
    });
    tunnel = current;
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        refusal = `proxy server refused the agent: ${res.statusCode} ${body.trim()}`;
        ws.terminate();
      });
    });
    ws.on('open', () => {
      connected = true;
      lastError = undefined;
      delay = undefined;
      logger.info({ url, agentId }, 'connected to the proxy server');
      for (const wake of waiters) wake();
    });
  };

  function down(reason: string): void {
    connected = false;
    lastError = reason;
    if (stopped) return;
    delay = nextBackoff(delay, options.backoff);
    logger.info({ reason, retryInMs: delay }, 'proxy server unavailable');
    retryTimer = setTimeout(() => void connectOnce(), delay);
  }

  let healthServer: Server | undefined;
  let healthPort: number | undefined;
  if (options.healthServerPort !== undefined) {
    healthServer = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const [code, body] =
        path === '/healthz' ? [200, 'ok']
        : path === '/readyz' ? (connected ? [200, 'ok'] : [503, `Ready: false, reason: not connected to the proxy server${lastError ? `: ${lastError}` : ''}`])
        : [404, '404 page not found'];
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${body}\n`);
    });
    const server = healthServer;
    healthPort = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.healthServerPort, options.healthBindAddress, () => resolve((server.address() as AddressInfo).port));
    });
  }

  void connectOnce();

  return {
    agentId,
    get connected() {
      return connected;
    },
    get lastError() {
      return lastError;
    },
    get openConnections() {
      return tunnel?.size ?? 0;
    },
    healthPort,
    whenConnected: (timeoutMs = 10_000) =>
      connected ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const wake = () => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(() => {
            waiters.delete(wake);
            reject(new Error(`agent ${agentId} not connected after ${timeoutMs} ms: ${lastError ?? 'no error yet'}`));
          }, timeoutMs);
          waiters.add(wake);
        }),
    close: async () => {
      stopped = true;
      clearTimeout(retryTimer);
      tunnel?.terminate('agent shutting down');
      if (healthServer) await new Promise<void>((resolve) => healthServer.close(() => resolve()));
    },
  };
}
