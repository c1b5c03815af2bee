// The one place bytes of an upgraded connection (exec, attach, port-forward, node proxy) are moved, in the
// order PROTOCOLS.md §4 fixes: dial the backend → send the request → read its status line and headers → only
// then answer the client. A 101 is relayed and the two connections are spliced; any other success status is
// refused without relaying it (a redirect's Location never reaches the client: CVE-2018-1002102, CVE-2020-8559);
// an error status is relayed and both connections are closed, so nothing the client sends afterwards can reach
// a backend connection that carries the apiserver's credentials (CVE-2018-1002105).
import { request, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '@hubspoke/api';
import type { Logger } from 'pino';
import { endGracefully, responseHead, writeRawResponse, writeStatusResponse } from './raw-response.ts';

/** The client side of an upgrade request, taken over from the HTTP server. */
export interface UpgradeClient {
  socket: Duplex;
  /** Bytes the client sent after its request head, read before the handover. */
  head: Buffer;
}

/** An upgrade request's connection with its headers exactly as received (repeated headers kept apart). */
export interface UpgradeConnection extends UpgradeClient {
  rawHeaders: string[];
}

/** Where the upgrade goes. */
export interface UpgradeBackend {
  /** The backend URL (its path and query are requested). */
  url: URL;
  /** Open the connection to the backend (TLS verified as configured); rejects with a Go-worded error. */
  dial(): Promise<Duplex>;
}

/** One upgrade to proxy. */
export interface ProxyUpgradeOptions {
  client: UpgradeClient;
  backend: UpgradeBackend;
  method: string;
  /** The request headers for the backend, Connection/Upgrade included (see forward-headers.ts). */
  headers: Record<string, string | string[]>;
  log?: Logger;
}

/** What the client got. */
export type UpgradeOutcome =
  | { kind: 'spliced'; finished: Promise<void> }
  | { kind: 'relayed-error'; status: number }
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'client-gone' };

/** The HTTP status the client saw, for the audit log (0 when it left first). */
export function outcomeStatus(outcome: UpgradeOutcome): number {
  return outcome.kind === 'spliced' ? 101 : outcome.kind === 'client-gone' ? 0 : outcome.status;
}

// The backend gets this long to deliver an error response we relay (Kubernetes uses the same deadline).
const ERROR_RELAY_DEADLINE_MS = 10_000;
const ERROR_BODY_LIMIT = 1024 * 1024;

type BackendAnswer =
  | { kind: 'upgrade'; res: IncomingMessage; socket: Duplex; head: Buffer }
  | { kind: 'response'; res: IncomingMessage }
  | { kind: 'failed'; message: string };

/** Proxy one upgrade request; resolves once the client has its answer (for a splice: when it starts). */
export async function proxyUpgrade(options: ProxyUpgradeOptions): Promise<UpgradeOutcome> {
  const { client } = options;
  let backend: Duplex | undefined;
  let clientGone = client.socket.destroyed;
  const onClientClose = (): void => {
    clientGone = true;
    backend?.destroy();
  };
  client.socket.once('close', onClientClose);
  client.socket.on('error', () => client.socket.destroy());

  try {
    backend = await options.backend.dial();
  } catch (err) {
    if (clientGone) return { kind: 'client-gone' };
    return refuse(client, 500, `error dialing backend: ${(err as Error).message}`);
  }
  if (clientGone) {
    backend.destroy();
    return { kind: 'client-gone' };
  }

  const answer = await exchange(backend, options);
  if (clientGone) {
    backend.destroy();
    return { kind: 'client-gone' };
  }
  client.socket.removeListener('close', onClientClose);
  switch (answer.kind) {
    case 'failed':
      backend.destroy();
      return refuse(client, 500, answer.message);
    case 'response': {
      const status = answer.res.statusCode ?? 0;
      if (status < 400) {
        answer.res.destroy();
        backend.destroy();
        options.log?.warn({ status, url: redacted(options.backend.url) }, 'backend answered an upgrade without upgrading');
        return refuse(client, 500, `invalid upgrade response: status code ${status}`);
      }
      await relayError(answer.res, client.socket);
      backend.destroy();
      return { kind: 'relayed-error', status };
    }
    case 'upgrade':
      client.socket.write(Buffer.concat([responseHead(101, answer.res.statusMessage, answer.res.rawHeaders), answer.head]));
      if (client.head.length > 0) answer.socket.write(client.head);
      return { kind: 'spliced', finished: splice(client.socket, answer.socket) };
  }
}

function refuse(client: UpgradeClient, status: number, message: string): UpgradeOutcome {
  // Go's ErrorToAPIStatus: a plain error is a 500 with no reason, its text as the message.
  writeStatusResponse(client.socket, new ApiError(status, '', message));
  return { kind: 'refused', status, message };
}

// Node's HTTP client writes the request head and parses the answer; with Connection: Upgrade it hands the
// socket back on a 101 ('upgrade') and reads any other status as an ordinary response.
function exchange(backend: Duplex, options: ProxyUpgradeOptions): Promise<BackendAnswer> {
  return new Promise((resolve) => {
    const method = options.method.toUpperCase();
    const headers = { ...options.headers };
    if (method !== 'GET' && method !== 'HEAD') headers['content-length'] = '0';
    const req = request({
      createConnection: () => backend,
      method,
      path: `${options.backend.url.pathname}${options.backend.url.search}`,
      headers,
      setHost: false,
    });
    req.once('upgrade', (res, socket, head) => resolve({ kind: 'upgrade', res, socket, head }));
    req.once('response', (res) => resolve({ kind: 'response', res }));
    req.once('error', (err) => resolve({ kind: 'failed', message: goReadMessage(err) }));
    req.end();
  });
}

async function relayError(res: IncomingMessage, client: Duplex): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ERROR_RELAY_DEADLINE_MS);
    function done(): void {
      clearTimeout(timer);
      resolve();
    }
    res.on('data', (chunk: Buffer) => {
      if (size + chunk.length > ERROR_BODY_LIMIT) return done();
      chunks.push(chunk);
      size += chunk.length;
    });
    res.once('end', done);
    res.once('error', done);
    res.once('close', done);
  });
  const headers: Record<string, string[]> = {};
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) (headers[res.rawHeaders[i]] ??= []).push(res.rawHeaders[i + 1]);
  writeRawResponse(client, { status: res.statusCode ?? 500, statusText: res.statusMessage, headers, body: Buffer.concat(chunks) });
}

// Both directions are piped (backpressure included) until either side ends; then both are closed.
function splice(a: Duplex, b: Duplex): Promise<void> {
  return new Promise((resolve) => {
    let shuttingDown = false;
    const shutdown = (): void => {
      if (shuttingDown) return;
      shuttingDown = true;
      a.unpipe(b);
      b.unpipe(a);
      endGracefully(a);
      endGracefully(b);
    };
    let closed = 0;
    for (const side of [a, b]) {
      side.on('error', () => side.destroy());
      side.once('end', shutdown);
      side.once('close', () => {
        shutdown();
        if (++closed === 2) resolve();
      });
    }
    a.pipe(b, { end: false });
    b.pipe(a, { end: false });
  });
}

function goReadMessage(err: NodeJS.ErrnoException): string {
  if (err.code === 'ECONNRESET' && /socket hang up/.test(err.message)) return 'EOF';
  if (err.code === 'ECONNRESET') return 'read: connection reset by peer';
  return 'malformed HTTP response';
}

function redacted(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
