// Matches a request against the route table: exact segments and `:param` segments, percent-decoded.
// 404 and 405 are answered the way the kubelet's Go mux answers them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { KubeletHost } from './host.ts';
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

/** A request listener serving `routes` for `host`; handler failures are logged, never shown to clients. */
export function createRouter({ routes, host, logger }: RouterOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const result = matchRoute(routes, req.method ?? 'GET', url.pathname);
    if (result.kind === 'not-found') return plain(res, 404, '404 page not found\n');
    if (result.kind === 'method-not-allowed') return plain(res, 405, '405: Method Not Allowed\n');
    try {
      await result.match.route.handler({ req, res, params: result.match.params, query: url.searchParams, host });
    } catch (err) {
      logger.error({ err, path: url.pathname }, 'Kubelet handler failed');
      if (!res.headersSent) plain(res, 500, 'Internal Error\n');
      else res.destroy();
    }
  };
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
