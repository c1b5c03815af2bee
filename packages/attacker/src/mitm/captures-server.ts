// `hubspoke-attacker mitm --captures-address`: what the man in the middle has read, served live as plain HTTP
// GET /captures (the shape of the lab API's), so a dashboard in another container or namespace can show it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { capturesResponse } from './captures-view.ts';
import type { Mitm } from './mitm.ts';

/** Where to serve, what, and the node whose traffic it is. */
export interface CapturesServerOptions {
  host: string;
  port: number;
  mitm: Mitm;
  /** The victim node's name, as the dashboard shows it. */
  victim: string;
}

/** A listening captures server. */
export interface CapturesServer {
  /** `http://host:port/captures`. */
  url: string;
  close(): Promise<void>;
}

/** Listen; resolves once bound (port 0 picks one). */
export async function serveCaptures(options: CapturesServerOptions): Promise<CapturesServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/captures') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /captures\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    const body = JSON.stringify(capturesResponse(options.mitm, options.victim));
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': '*' }).end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/captures`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
