// The kubelet's listeners: the HTTPS server on address:port, where every request and every connection
// upgrade is authenticated and authorized before it is routed, and the plain-HTTP read-only port, which
// serves only the read-only routes and asks nobody anything. The TLS server requests client certificates but
// never rejects a handshake for one: the x509 authenticator decides per request. The serving certificate can
// be replaced while the server runs (rotation); a server started without one fails every handshake until it
// gets one, as the kubelet does while its bootstrapped serving certificate is pending.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { KubeletAuth } from './auth/chain.ts';
import { checkAccess, refusalFor } from './auth/filter.ts';
import type { Refusal } from './auth/filter.ts';
import type { KubeletHost } from './host.ts';
import { writeRawResponse } from './raw-response.ts';
import { createRouter } from './router.ts';
import { kubeletRoutes } from './routes.ts';
import type { KubeletRoute } from './routes.ts';

/** A listening server. */
export interface ListeningServer {
  /** The bound port (the OS's choice when asked for 0). */
  readonly port: number;
  /** Stops accepting and ends open connections. */
  close(): Promise<void>;
}

/** What the HTTPS server needs. */
export interface KubeletServerOptions {
  host: KubeletHost;
  address: string;
  port: number;
  /** Serving certificate chain and key (PEM); absent = none yet (see KubeletServer.setServingCertificate). */
  cert?: string;
  key?: string;
  /** CA bundle named in the TLS CertificateRequest (`--client-ca-file`); verification is `auth`'s job. */
  clientCA?: string;
  /** Who may call the API and what they may do (see buildKubeletAuth). */
  auth: KubeletAuth;
  logger: Logger;
  routes?: readonly KubeletRoute[];
}

/** The HTTPS server, whose serving certificate can be swapped live. */
export interface KubeletServer extends ListeningServer {
  /** New handshakes present this chain; established connections keep the one they negotiated. */
  setServingCertificate(pair: { cert: string; key: string }): void;
}

/** One request in flight, however it must be answered. */
interface Exchange {
  req: IncomingMessage;
  refuse(refusal: Refusal): void;
  dispatch(): Promise<void>;
}

/** Starts the HTTPS server (port 10250 in Kubernetes). */
export async function startKubeletServer(opts: KubeletServerOptions): Promise<KubeletServer> {
  const logger = opts.logger.child({ server: 'kubelet' });
  const router = createRouter({ routes: opts.routes ?? kubeletRoutes, host: opts.host, logger });

  // The request path, the same for plain requests and upgrades: authentication → authorization → route.
  const serve = async (exchange: Exchange): Promise<void> => {
    const access = await checkAccess(opts.auth, exchange.req, logger);
    if (access.kind !== 'allowed') return exchange.refuse(refusalFor(access));
    await exchange.dispatch();
  };
  const serveOrDrop = (exchange: Exchange, connection: Duplex): void => {
    serve(exchange).catch((err: unknown) => {
      logger.error({ err }, 'Kubelet request failed');
      connection.destroy();
    });
  };

  const server = https.createServer({ cert: opts.cert, key: opts.key, ca: opts.clientCA, requestCert: true, rejectUnauthorized: false });
  let hasCertificate = Boolean(opts.cert && opts.key);
  // Go's GetCertificate error, which net/http logs for every refused handshake.
  server.on('tlsClientError', (err: Error, socket: Socket) => {
    if (!hasCertificate) logger.info({ remoteAddress: socket.remoteAddress, err }, 'no serving certificate available for the kubelet');
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    res.once('finish', () => logRequest(logger, req, res.statusCode));
    serveOrDrop({ req, refuse: (r) => writeRefusal(res, r), dispatch: () => router.request(req, res) }, req.socket);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    logRequest(logger, req);
    // A client that goes away mid-check must not take the process down with an unhandled socket error.
    socket.on('error', (err) => logger.debug({ err }, 'Upgrade connection error'));
    serveOrDrop(
      { req, refuse: (r) => writeRawResponse(socket, r.status, r.text), dispatch: () => router.upgrade(req, socket, head) },
      socket,
    );
  });
  const listening = await listen(server, opts.address, opts.port, 'secureConnection');
  return {
    ...listening,
    setServingCertificate: ({ cert, key }) => {
      server.setSecureContext({ cert, key, ca: opts.clientCA });
      hasCertificate = true;
    },
  };
}

/** What the read-only server needs. */
export interface ReadOnlyServerOptions {
  host: KubeletHost;
  address: string;
  port: number;
  logger: Logger;
  routes?: readonly KubeletRoute[];
}

/** Starts the unauthenticated plain-HTTP read-only server (port 10255) with the read-only routes. */
export async function startReadOnlyServer(opts: ReadOnlyServerOptions): Promise<ListeningServer> {
  const routes = (opts.routes ?? kubeletRoutes).filter((r) => r.readOnly);
  const router = createRouter({ routes, host: opts.host, logger: opts.logger.child({ server: 'read-only' }) });
  const server = http.createServer((req, res) => void router.request(req, res));
  return listen(server, opts.address, opts.port, 'connection');
}

/**
 * The kubelet's httplog line (Kubernetes logs it at -v=3): who asked for what, and from where. `srcIP` is the
 * peer of the TCP connection, so it shows which hop delivered the request: the apiserver itself, a Konnectivity
 * agent, an sshd, or a man in the middle. Upgrades are logged when they arrive (their status comes later).
 */
function logRequest(logger: Logger, req: IncomingMessage, status?: number): void {
  const socket = req.socket;
  logger.debug(
    { verb: req.method, URI: req.url, srcIP: `${socket.remoteAddress}:${socket.remotePort}`, userAgent: req.headers['user-agent'], ...(status ? { resp: status } : {}) },
    'HTTP',
  );
}

// go-restful's WriteErrorString: the status and the bare text, typed by Go's content sniffing.
function writeRefusal(res: ServerResponse, { status, text }: Refusal): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function listen(
  server: http.Server | https.Server,
  address: string,
  port: number,
  connectionEvent: 'connection' | 'secureConnection',
): Promise<ListeningServer> {
  const sockets = new Set<Socket>();
  server.on(connectionEvent, (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A failed TLS handshake (a scanner, a client that distrusts us) must not take the server down.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
