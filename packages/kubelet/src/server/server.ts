// The kubelet's listeners: the HTTPS server on address:port (client certificates requested but not yet
// required, so x509 authentication can be decided per request) and the plain-HTTP read-only port.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { KubeletHost } from './host.ts';
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
  /** Serving certificate chain and key (PEM). */
  cert: string;
  key: string;
  /** CA bundle client certificates are checked against (`--client-ca-file`). */
  clientCA?: string;
  logger: Logger;
  routes?: readonly KubeletRoute[];
}

/** Starts the HTTPS server (port 10250 in Kubernetes). */
export async function startKubeletServer(opts: KubeletServerOptions): Promise<ListeningServer> {
  const server = https.createServer(
    { cert: opts.cert, key: opts.key, ca: opts.clientCA, requestCert: true, rejectUnauthorized: false },
    createRouter({ routes: opts.routes ?? kubeletRoutes, host: opts.host, logger: opts.logger }),
  );
  return listen(server, opts.address, opts.port, 'secureConnection');
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
  const server = http.createServer(createRouter({ routes, host: opts.host, logger: opts.logger }));
  return listen(server, opts.address, opts.port, 'connection');
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
