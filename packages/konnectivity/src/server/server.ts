// startKonnectivityServer: the frontend for the apiserver, the agent backend, and the probes, wired together.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { unlink } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { pino, type Logger } from 'pino';
import { abortSocket } from '../tunnel/abort-socket.ts';
import { AGENT_ID_HEADER, AGENT_IDENTIFIERS_HEADER, AGENT_PATH } from '../tunnel/handshake.ts';
import { Tunnel } from '../tunnel/tunnel.ts';
import { WebSocketServerClass } from '../tunnel/ws-library.ts';
import { authenticateAgent, type AgentAuthOptions } from './agent-auth.ts';
import { BackendRegistry, type Backend, type ProxyStrategy } from './backends.ts';
import { Dialer } from './dialer.ts';
import { handleConnect, rejectNonConnect } from './frontend.ts';
import { parseAgentIdentifiers, type AgentIdentifiers } from './identifiers.ts';
import { ServerMetrics } from './metrics.ts';
import { createProbeServer } from './probes.ts';


/** Server configuration; ports of 0 mean "any free port", an absent optional port means "not served". */
export interface KonnectivityServerOptions {
  /** `--uds-name`: Unix socket for the apiserver, plain HTTP CONNECT. */
  udsName?: string;
  /** `--server-port`: TLS TCP frontend for the apiserver (needs serverCert/serverKey). */
  serverPort?: number;
  serverBindAddress?: string;
  serverCert?: string;
  serverKey?: string;
  /** `--server-ca-cert`: when set, the apiserver must present a client certificate from this CA. */
  serverCACert?: string;
  /** `--agent-port` (default 8132) with `--cluster-cert`/`--cluster-key` serving TLS to agents. */
  agentPort?: number;
  agentBindAddress?: string;
  clusterCert: string;
  clusterKey: string;
  /** How agents authenticate (`--cluster-ca-cert`, token review). */
  agentAuth: AgentAuthOptions;
  /** `--health-port`: /healthz and /readyz. */
  healthPort?: number;
  /** `--admin-port`: /metrics and /readyz, bound to adminBindAddress (default 127.0.0.1). */
  adminPort?: number;
  adminBindAddress?: string;
  healthBindAddress?: string;
  /** `--proxy-strategies` (default destHost, then default). */
  proxyStrategies?: readonly ProxyStrategy[];
  /** How long a CONNECT waits for the agent's dial (default 10 s). */
  dialTimeoutMs?: number;
  logger?: Logger;
}

/** A connected agent as the server sees it. */
export interface AgentInfo {
  agentId: string;
  identifiers: AgentIdentifiers;
  user: string;
}

/** A running server. */
export interface KonnectivityServer {
  /** Bound ports (the OS's choice when 0 was asked). */
  agentPort: number;
  serverPort?: number;
  healthPort?: number;
  adminPort?: number;
  udsName?: string;
  /** The agents connected right now. */
  agents(): AgentInfo[];
  /** Stops at once, as a killed process would: every tunnel and relayed connection is dropped. */
  close(): Promise<void>;
}

/** Validates the options and starts every listener; rejects if a port cannot be bound. */
export async function startKonnectivityServer(options: KonnectivityServerOptions): Promise<KonnectivityServer> {
  validate(options);
  const logger = options.logger ?? pino({ level: 'silent' });
  const metrics = new ServerMetrics();
  const backends = new BackendRegistry();
  const dialer = new Dialer(options.dialTimeoutMs ?? 10_000);
  const strategies = options.proxyStrategies ?? ['destHost', 'default'];
  const frontendCtx = { backends, dialer, strategies, metrics, logger: logger.child({ component: 'frontend' }) };
  const sockets = new Set<Socket>();
  const servers: Server[] = [];
  const track = (server: Server) => {
    servers.push(server);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    return server;
  };

  const onConnect = (req: IncomingMessage, socket: Duplex, head: Buffer) => void handleConnect(frontendCtx, req, socket, head);
  const frontendHandler = (_req: IncomingMessage, res: ServerResponse) => rejectNonConnect(res);

  const result: KonnectivityServer = {
    agentPort: 0,
    agents: () => backends.list().map(({ agentId, identifiers, user }) => ({ agentId, identifiers, user })),
    close: async () => {
      for (const backend of backends.list()) backend.tunnel.terminate('proxy server shutting down');
      for (const socket of sockets) abortSocket(socket, new Error('proxy server shutting down'));
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };

  try {
    if (options.udsName !== undefined) {
      await unlink(options.udsName).catch(() => undefined); // a stale socket from a previous run
      const uds = track(createHttpServer(frontendHandler));
      uds.on('connect', onConnect);
      await listen(uds, { path: options.udsName });
      result.udsName = options.udsName;
    }
    if (options.serverPort !== undefined) {
      const tcp = track(
        createHttpsServer(
          {
            cert: options.serverCert,
            key: options.serverKey,
            ...(options.serverCACert ? { ca: options.serverCACert, requestCert: true, rejectUnauthorized: true } : {}),
          },
          frontendHandler,
        ),
      );
      tcp.on('connect', onConnect);
      result.serverPort = await listen(tcp, { port: options.serverPort, host: options.serverBindAddress });
    }

    const agentLog = logger.child({ component: 'agent-backend' });
    const wss = new WebSocketServerClass({ noServer: true, clientTracking: false, perMessageDeflate: false, maxPayload: 1 << 20 });
    const agentServer = track(
      createHttpsServer({
        cert: options.clusterCert,
        key: options.clusterKey,
        ...(options.agentAuth.clientCA ? { ca: options.agentAuth.clientCA, requestCert: true, rejectUnauthorized: false } : {}),
      }),
    );
    agentServer.on('request', (_req, res) => {
      res.writeHead(404).end();
    });
    agentServer.on('upgrade', async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      const refuse = (code: number, text: string, reason: string) => {
        socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason) + 1}\r\nConnection: close\r\n\r\n${reason}\n`);
      };
      if ((req.url ?? '').split('?')[0] !== AGENT_PATH) return refuse(404, 'Not Found', 'not found');
      const agentId = header(req, AGENT_ID_HEADER);
      if (!agentId) return refuse(400, 'Bad Request', `missing ${AGENT_ID_HEADER} header`);
      const auth = await authenticateAgent(req, options.agentAuth);
      if (auth.kind === 'rejected') {
        metrics.agentAuthFailures++;
        agentLog.warn({ agentId, reason: auth.reason }, 'agent refused');
        return refuse(401, 'Unauthorized', auth.reason);
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const backend: Backend = {
          agentId,
          user: auth.user,
          identifiers: parseAgentIdentifiers(header(req, AGENT_IDENTIFIERS_HEADER) ?? ''),
          tunnel: new Tunnel(ws, {
            onDialResponse: (response) => dialer.onDialResponse(backend, response),
            onLost: (reason) => {
              backends.remove(backend);
              dialer.onBackendLost(backend, reason);
              agentLog.info({ agentId, reason }, 'agent disconnected');
            },
          }),
        };
        backends.add(backend)?.tunnel.close('replaced by a new connection from the same agent');
        metrics.agentConnects++;
        agentLog.info({ agentId, user: auth.user, identifiers: backend.identifiers }, 'agent connected');
      });
    });
    result.agentPort = await listen(agentServer, { port: options.agentPort ?? 8132, host: options.agentBindAddress });

    const source = {
      readyBackends: () => backends.size,
      metrics: () =>
        metrics.render({ readyBackends: backends.size, openConnections: backends.list().reduce((n, b) => n + b.tunnel.size, 0) }),
    };
    if (options.healthPort !== undefined) {
      result.healthPort = await listen(track(createProbeServer('health', source)), { port: options.healthPort, host: options.healthBindAddress });
    }
    if (options.adminPort !== undefined) {
      result.adminPort = await listen(track(createProbeServer('admin', source)), {
        port: options.adminPort,
        host: options.adminBindAddress ?? '127.0.0.1',
      });
    }
  } catch (error) {
    await result.close();
    throw error;
  }
  logger.info({ agentPort: result.agentPort, serverPort: result.serverPort, udsName: result.udsName }, 'konnectivity server started');
  return result;
}

function validate(options: KonnectivityServerOptions): void {
  if (options.udsName === undefined && options.serverPort === undefined) throw new Error('one of --uds-name or --server-port must be set');
  if (options.serverPort !== undefined && (!options.serverCert || !options.serverKey)) {
    throw new Error('--server-port needs --server-cert and --server-key');
  }
  if (!options.clusterCert || !options.clusterKey) throw new Error('the agent port needs --cluster-cert and --cluster-key');
  const auth = options.agentAuth;
  if (!auth.clientCA && !auth.reviewToken) throw new Error('agents must authenticate: set --cluster-ca-cert or token authentication');
  if (auth.reviewToken && (!auth.agentNamespace || !auth.agentServiceAccount)) {
    throw new Error('token authentication needs --agent-namespace and --agent-service-account');
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function listen(server: Server, at: { port?: number; host?: string; path?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? (address as AddressInfo).port : 0);
    };
    if (at.path !== undefined) server.listen(at.path, done);
    else server.listen(at.port, at.host, done);
  });
}
