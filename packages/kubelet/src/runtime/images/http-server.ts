// hubspoke/http-server (and the nginx/httpd aliases): an HTTP server on the pod IP, for Services, the
// pods/proxy and services/proxy subresources, port-forward and sniffing demos.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { choosePort, untilAborted, type ProgramContext, type ToyImage } from '../program.ts';

/** How a server image presents itself. */
export interface HttpServerFlavor {
  /** Canonical image name. */
  name: string;
  /** Name in logs and the Server header, e.g. "nginx". */
  product: string;
  defaultPort: number;
}

const BYTES_BLOCK = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => i % 256));
const MAX_BYTES = 64 * 1024 ** 3;

/**
 * The routes both HTTP and HTTPS servers answer: `/` a page naming the pod, `/healthz`, `/headers` the request
 * headers as JSON, `/echo` the request body back, `/bytes?n=N` N bytes where byte i is i mod 256.
 * Access log lines (nginx's combined format) go to stdout.
 */
export function podRequestHandler(ctx: ProgramContext, flavor: HttpServerFlavor): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    res.setHeader('Server', flavor.product);
    let sent = 0;
    const send = (status: number, type: string, body: string | Buffer) => {
      const data = Buffer.from(body);
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': data.length });
      sent = req.method === 'HEAD' ? 0 : data.length;
      res.end(req.method === 'HEAD' ? undefined : data);
    };
    res.on('close', () => {
      void ctx.print(accessLogLine(req, res.statusCode, sent)).catch(() => undefined);
    });
    const url = new URL(req.url ?? '/', 'http://pod');
    switch (url.pathname) {
      case '/':
        return send(200, 'text/html; charset=utf-8', indexPage(ctx, flavor));
      case '/healthz':
        return send(200, 'text/plain; charset=utf-8', 'ok\n');
      case '/headers':
        return send(200, 'application/json', `${JSON.stringify(req.headers, null, 2)}\n`);
      case '/echo': {
        const length = req.headers['content-length'];
        res.writeHead(200, {
          'Content-Type': req.headers['content-type'] ?? 'application/octet-stream',
          ...(length ? { 'Content-Length': length } : {}),
        });
        req.on('data', (chunk: Buffer) => (sent += chunk.length));
        pipeline(req, res).catch(() => res.destroy());
        return;
      }
      case '/bytes': {
        const n = Number(url.searchParams.get('n') ?? '0');
        if (!Number.isInteger(n) || n < 0 || n > MAX_BYTES) return send(400, 'text/plain', 'n must be an integer 0..68719476736\n');
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': n });
        void streamBytes(res, n, (count) => (sent += count));
        return;
      }
      default:
        return send(404, 'text/plain; charset=utf-8', '404 page not found\n');
    }
  };
}

async function streamBytes(res: ServerResponse, n: number, onSent: (bytes: number) => void): Promise<void> {
  let sent = 0;
  while (sent < n && !res.destroyed) {
    const block = BYTES_BLOCK.subarray(0, Math.min(BYTES_BLOCK.length, n - sent));
    sent += block.length;
    onSent(block.length);
    if (!res.write(block)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}

function indexPage(ctx: ProgramContext, flavor: HttpServerFlavor): string {
  const { pod } = ctx;
  return [
    '<!DOCTYPE html>',
    `<html><head><title>${flavor.product} on ${escapeHtml(pod.name)}</title></head><body>`,
    `<h1>Hello from pod ${escapeHtml(pod.namespace)}/${escapeHtml(pod.name)}</h1>`,
    `<p>Served by ${flavor.name} (${escapeHtml(ctx.image)}) at ${pod.ip}, hostname ${escapeHtml(pod.hostname)}, container ${escapeHtml(ctx.container)}.</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** nginx's `combined` log format. */
export function accessLogLine(req: IncomingMessage, status: number, bytes: number, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const time = `${p(now.getUTCDate())}/${MONTHS[now.getUTCMonth()]}/${now.getUTCFullYear()}:${p(now.getUTCHours())}:${p(now.getUTCMinutes())}:${p(now.getUTCSeconds())} +0000`;
  const referer = req.headers.referer ?? '-';
  const agent = req.headers['user-agent'] ?? '-';
  return `${req.socket.remoteAddress ?? '-'} - - [${time}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${bytes} "${referer}" "${agent}"\n`;
}

/** Binds `server` on the pod IP, logs, serves until SIGTERM, then shuts down fast (nginx's TERM). */
export async function serveUntilTerminated(ctx: ProgramContext, server: Server, opts: { product: string; scheme: string; port: number; extra?: string }): Promise<number> {
  let port: number;
  try {
    port = (await ctx.listen(server, opts.port, opts.scheme)).port;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    await ctx.print(`${opts.product}: [emerg] bind() to ${ctx.pod.ip}:${opts.port} failed (${code}: ${(err as Error).message})\n`, 'stderr');
    return 1;
  }
  await ctx.print(`${opts.product}: listening on ${opts.scheme}://${ctx.pod.ip}:${port}${opts.extra ?? ''}\n`);
  await untilAborted(ctx.signal);
  server.close();
  server.closeAllConnections();
  await ctx.print(`${opts.product}: received SIGTERM, exiting\n`);
  return 0;
}

/** An HTTP server image; nginx and httpd are the same program on port 80. */
export function httpServerImage(flavor: HttpServerFlavor): ToyImage {
  return {
    name: flavor.name,
    description: `HTTP server on the pod IP (port ${flavor.defaultPort} unless containerPort/PORT say otherwise)`,
    sigterm: 'handle',
    run(ctx) {
      const server = createServer(podRequestHandler(ctx, flavor));
      return serveUntilTerminated(ctx, server, { product: flavor.product, scheme: 'http', port: choosePort(ctx, flavor.defaultPort) });
    },
  };
}
