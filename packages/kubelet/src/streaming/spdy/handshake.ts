// The HTTP side of a SPDY upgrade, as Kubernetes does it: httpstream.Handshake picks the first protocol in
// the client's X-Stream-Protocol-Version list that the server supports (403 and the server's list if none),
// then the SPDY response upgrader checks `Connection: Upgrade` / `Upgrade: SPDY/3.1` and answers 101.
// Errors are written the way Go's http.Error writes them, on the raw socket the HTTP server let go of.
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UpgradeRequest } from '../types.ts';

/** The upgrade token of SPDY/3.1. */
export const SPDY_31 = 'SPDY/3.1';

/** The outcome of a handshake: upgraded (101 written) or refused (error written, socket closing). */
export type SpdyHandshake = { kind: 'upgraded'; protocol: string } | { kind: 'refused'; status: number; message: string };

/** Every protocol the client offered, in its order (header lines and comma-separated values alike). */
export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headersDistinct['x-stream-protocol-version'] ?? [];
  return raw.flatMap((line) => line.split(',')).map((p) => p.trim()).filter((p) => p.length > 0);
}

/** The first client protocol the server supports (client preference wins, as in Kubernetes). */
export function negotiateProtocol(client: readonly string[], server: readonly string[]): string | undefined {
  return client.find((protocol) => server.includes(protocol));
}

/** Negotiates, checks the upgrade headers and writes either 101 or the error on `up.socket`. */
export function upgradeToSpdy(up: UpgradeRequest, serverProtocols: readonly string[]): SpdyHandshake {
  const client = offeredProtocols(up.req);
  if (client.length === 0) {
    return refuse(up.socket, 400, 'unable to upgrade: X-Stream-Protocol-Version is required');
  }
  const protocol = negotiateProtocol(client, serverProtocols);
  if (!protocol) {
    const message = `unable to upgrade: unable to negotiate protocol: client supports ${goList(client)}, server accepts ${goList(serverProtocols)}`;
    return refuse(up.socket, 403, message, serverProtocols.map((p) => ['X-Accepted-Stream-Protocol-Versions', p] as const));
  }
  const connection = (up.req.headers.connection ?? '').toLowerCase();
  const upgrade = (up.req.headers.upgrade ?? '').toLowerCase();
  if (!connection.includes('upgrade') || !upgrade.includes(SPDY_31.toLowerCase())) {
    return refuse(up.socket, 400, `unable to upgrade: missing upgrade headers in request: ${goHeaderLiteral(up.req)}`);
  }
  // Interactive shells send a byte at a time; Nagle would hold each one back.
  (up.socket as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
  up.socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Connection: Upgrade\r\n' +
      `Upgrade: ${SPDY_31}\r\n` +
      `X-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
  );
  return { kind: 'upgraded', protocol };
}

/** Writes a response the way Go's http.Error does (plain text, nosniff, body + newline) and closes. */
export function writeHttpError(socket: Duplex, status: number, message: string, extraHeaders: ReadonlyArray<readonly [string, string]> = []): void {
  if (socket.destroyed) return;
  const body = Buffer.from(`${message}\n`, 'utf8');
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`,
    'Content-Type: text/plain; charset=utf-8',
    ...extraHeaders.map(([name, value]) => `${name}: ${value}`),
    'X-Content-Type-Options: nosniff',
    `Date: ${new Date().toUTCString()}`,
    `Content-Length: ${body.length}`,
    'Connection: close',
  ];
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]), () => socket.destroy());
}

function refuse(socket: Duplex, status: number, message: string, extraHeaders: ReadonlyArray<readonly [string, string]> = []): SpdyHandshake {
  writeHttpError(socket, status, message, extraHeaders);
  return { kind: 'refused', status, message };
}

// Go's %v of a []string.
function goList(values: readonly string[]): string {
  return `[${values.join(' ')}]`;
}

// Go's %#v of an http.Header: canonical names, sorted, quoted values. Credentials are not echoed back.
function goHeaderLiteral(req: IncomingMessage): string {
  const entries = Object.entries(req.headersDistinct)
    .map(([name, values]) => [canonicalHeaderName(name), name === 'authorization' ? ['<redacted>'] : (values ?? [])] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, values]) => `${JSON.stringify(name)}:[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`);
  return `http.Header{${entries.join(', ')}}`;
}

function canonicalHeaderName(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-');
}
