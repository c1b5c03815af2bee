// The apiserver-facing side: HTTP CONNECT host:port (EgressSelectorConfiguration proxyProtocol HTTPConnect).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { BackendRegistry, ProxyStrategy } from './backends.ts';
import type { Dialer } from './dialer.ts';
import type { ServerMetrics } from './metrics.ts';

/** What the CONNECT handler needs from the server. */
export interface FrontendContext {
  backends: BackendRegistry;
  dialer: Dialer;
  strategies: readonly ProxyStrategy[];
  metrics: ServerMetrics;
  logger: Logger;
}

/** Handles one CONNECT: pick an agent, dial through it, answer 200 and relay, or answer the failure. */
export async function handleConnect(ctx: FrontendContext, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  socket.on('error', () => socket.destroy());
  const target = parseAuthority(req.url ?? '');
  if (!target) {
    ctx.metrics.dials.badRequest++;
    answer(socket, 400, 'Bad Request', `invalid CONNECT target ${JSON.stringify(req.url)}: want host:port`);
    return;
  }
  const destination = `${target.host}:${target.port}`;
  const backend = ctx.backends.pick(target.host, ctx.strategies);
  if (!backend) {
    ctx.metrics.dials.noAgent++;
    ctx.logger.info({ destination }, 'no agent for destination');
    answer(socket, 503, 'Service Unavailable', `konnectivity: no agent available to dial ${destination}`);
    return;
  }
  const result = await ctx.dialer.dial(backend, target.host.replace(/^\[(.*)\]$/, '$1'), target.port);
  if (result.kind === 'timeout') {
    ctx.metrics.dials.timeout++;
    answer(socket, 504, 'Gateway Timeout', `konnectivity: agent ${backend.agentId} did not answer the dial to ${destination} in time`);
    return;
  }
  if (result.kind === 'failed') {
    ctx.metrics.dials.failed++;
    ctx.logger.info({ destination, agent: backend.agentId, error: result.error }, 'dial failed');
    answer(socket, 502, 'Bad Gateway', result.error);
    return;
  }
  if (socket.destroyed) {
    backend.tunnel.send({ type: 'CLOSE', id: result.id, error: 'frontend went away during the dial' });
    return;
  }
  ctx.metrics.dials.connected++;
  ctx.logger.debug({ destination, agent: backend.agentId, id: result.id }, 'connection established');
  socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
  backend.tunnel.attach(result.id, socket, head);
}

/** Answers a non-CONNECT request on the frontend. */
export function rejectNonConnect(res: ServerResponse): void {
  res.writeHead(405, { Allow: 'CONNECT', 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('konnectivity: only CONNECT host:port is served here\n');
}

function answer(socket: Duplex, code: number, text: string, body: string): void {
  const payload = `${body}\n`;
  socket.end(
    `HTTP/1.1 ${code} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n` +
      `Connection: close\r\n\r\n${payload}`,
  );
}

function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]+):(\d{1,5})$/.exec(authority);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1], port };
}
