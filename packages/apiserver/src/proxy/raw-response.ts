// Answers on a connection no HTTP server manages any more (an upgrade request's socket): a complete
// HTTP/1.1 response, then the connection is closed. Errors become Kubernetes Status JSON as everywhere else.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiError } from '@hubspoke/api';

/** A whole response: status line, header lines, body. */
export interface RawResponse {
  status: number;
  /** Defaults to the standard reason phrase. */
  statusText?: string;
  /** Header name → value(s); Content-Length and Connection are set here. */
  headers?: Record<string, string | string[]>;
  body?: Buffer;
}

/** How long a closed-for-writing connection may linger before it is destroyed. */
const LINGER_MS = 2_000;

/** Write `response` and close the connection; whatever the client sends afterwards is discarded. */
export function writeRawResponse(socket: Duplex, response: RawResponse): void {
  if (socket.destroyed) return;
  const body = response.body ?? Buffer.alloc(0);
  socket.write(Buffer.concat([responseHead(response.status, response.statusText, withFraming(response.headers, body.length)), body]));
  endGracefully(socket);
}

/** A Status error as an HTTP response (401/403 of an upgrade, a failed dial, …), then close. */
export function writeStatusResponse(socket: Duplex, err: ApiError): void {
  writeRawResponse(socket, {
    status: err.code,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' },
    body: Buffer.from(JSON.stringify(err.toStatus())),
  });
}

/** `HTTP/1.1 N Text` and the header lines, ending with the blank line. */
export function responseHead(status: number, statusText: string | undefined, headers: Record<string, string | string[]> | string[]): Buffer {
  const lines = [`HTTP/1.1 ${status} ${statusText ?? STATUS_CODES[status] ?? ''}`];
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
  } else {
    for (const [name, value] of Object.entries(headers)) {
      for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
    }
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** End the write side now; destroy once the peer closes, or after a grace period. */
export function endGracefully(socket: Duplex): void {
  if (socket.destroyed) return;
  socket.resume();
  socket.end();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

function withFraming(headers: Record<string, string | string[]> = {}, length: number): Record<string, string | string[]> {
  const kept = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !['content-length', 'connection', 'transfer-encoding'].includes(name.toLowerCase())),
  );
  return { ...kept, 'Content-Length': String(length), Connection: 'close' };
}
