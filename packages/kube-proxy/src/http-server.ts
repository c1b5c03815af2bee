// The plain-HTTP listener behind the proxy's health and metrics servers: one handler, Go's 404 for
// anything it does not answer, and a close that does not wait for keep-alive clients.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatHostPort } from './host-port.ts';
import type { HostPort } from './host-port.ts';

/** Answers a request, or returns false to let it 404. */
export type Route = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A running server and the address it ended up on (port 0 resolved). */
export interface RunningServer {
  address: string;
  close(): Promise<void>;
}

/** Listens on `at` and serves `route`; rejects with a message naming `what` when the address cannot be bound. */
export async function startHttpServer(what: string, at: HostPort, route: Route): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    if (!route(req, res)) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('404 page not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`failed to start ${what} on ${formatHostPort(at)}: ${err.message}`)));
    server.listen({ host: at.host, port: at.port }, resolve);
  });
  const bound = server.address() as AddressInfo;
  return {
    address: formatHostPort({ host: bound.address, port: bound.port }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The path of `req` without its query. */
export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0];
}
