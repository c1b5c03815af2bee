// The health and admin HTTP endpoints: /healthz (process alive), /readyz (an agent is connected), /metrics.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What the probes read from the running server. */
export interface ProbeSource {
  readyBackends(): number;
  metrics(): string;
}

/** Which endpoints a probe server answers. */
export type ProbeRole = 'health' | 'admin';

/**
 * A plain-HTTP probe server. Readiness means at least one agent is connected: without one, every CONNECT would
 * fail, so a load balancer should send the apiserver elsewhere. Both roles answer /healthz and /readyz; the admin
 * role adds /metrics.
 */
export function createProbeServer(role: ProbeRole, source: ProbeSource): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/livez') return reply(res, 200, 'ok\n');
    if (path === '/readyz') {
      const agents = source.readyBackends();
      return agents > 0 ? reply(res, 200, 'ok\n') : reply(res, 503, 'Ready: false, reason: no agent is connected to the proxy server\n');
    }
    if (path === '/metrics' && role === 'admin') return reply(res, 200, source.metrics(), 'text/plain; version=0.0.4; charset=utf-8');
    return reply(res, 404, '404 page not found\n');
  });
}

function reply(res: ServerResponse, code: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}
