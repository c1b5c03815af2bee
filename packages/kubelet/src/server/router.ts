// Matches a request against the route table: exact segments and `:param` segments, percent-decoded.
// 404 and 405 are answered the way the kubelet's Go mux answers them. The router only decides where a
// request goes; whether it may go there was settled before it (see server.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { KubeletHost } from './host.ts';
import { writeRawResponse } from './raw-response.ts';
import type { KubeletRoute } from './routes.ts';

/** A matched route with its parameters. */
export interface RouteMatch {
  route: KubeletRoute;
  params: Record<string, string>;
}

/** The routing outcome for one method and path. */
export type RouteResult = { kind: 'match'; match: RouteMatch } | { kind: 'not-found' } | { kind: 'method-not-allowed' };

/** Finds the route for `method` and `path` (path without query). */
export function matchRoute(routes: readonly KubeletRoute[], method: string, path: string): RouteResult {
  const segments = path.split('/').slice(1);
  let pathMatched = false;
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
      return { kind: 'match', match: { route, params } };
    }
    pathMatched = true;
  }
  return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
}

function matchPath(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(':')) {
      if (!segments[i]) return undefined;
      try {
        params[parts[i].slice(1)] = decodeURIComponent(segments[i]);
      } catch {
        return undefined;
      }
    } else if (parts[i] !== segments[i]) return undefined;
  }
  return params;
}

/** What a router serves. */
export interface RouterOptions {
  routes: readonly KubeletRoute[];
  host: KubeletHost;
  logger: Logger;
}

/** Dispatches requests and upgrades to their routes. */
export interface Router {
  /** Runs the route's handler; failures are logged, never shown to clients. */
  request(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Hands the connection to the route's `upgrade`; a route without one answers 400 on the raw socket. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
}

const NOT_FOUND = '404 page not found\n';
const METHOD_NOT_ALLOWED = '405: Method Not Allowed\n';

/** A router over `routes` for `host`. */
export function createRouter({ routes, host, logger }: RouterOptions): Router {
  return {
    async request(req, res) {
      const url = new URL(req.url ?? '/', 'http://kubelet');
      const result = matchRoute(routes, req.method ?? 'GET', url.pathname);
      if (result.kind === 'not-found') return writePlain(res, 404, NOT_FOUND);
      if (result.kind === 'method-not-allowed') return writePlain(res, 405, METHOD_NOT_ALLOWED);
      try {
        await result.match.route.handler({ req, res, params: result.match.params, query: url.searchParams, host });
      } catch (err) {
        logger.error({ err, path: url.pathname }, 'Kubelet handler failed');
        if (!res.headersSent) writePlain(res, 500, 'Internal Error\n');
        else res.destroy();
      }
    },

    async upgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://kubelet');
      const result = matchRoute(routes, req.method ?? 'GET', url.pathname);
      if (result.kind === 'not-found') return writeRawResponse(socket, 404, NOT_FOUND);
      if (result.kind === 'method-not-allowed') return writeRawResponse(socket, 405, METHOD_NOT_ALLOWED);
      const { route, params } = result.match;
      if (!route.upgrade) return writeRawResponse(socket, 400, '400 Bad Request');
      try {
        await route.upgrade({ req, socket, head, params, query: url.searchParams, host });
      } catch (err) {
        logger.error({ err, path: url.pathname }, 'Kubelet upgrade handler failed');
        socket.destroy();
      }
    },
  };
}

/** Writes a plain-text answer the way Go's server does for its own errors. */
export function writePlain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
