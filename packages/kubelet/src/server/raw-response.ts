// Answers on a socket the HTTP server has let go of (an `upgrade` request): the response is written by hand,
// as Go's server writes it, and the connection is closed after it.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Writes `status` with a plain-text `text` body, then ends and destroys `socket`. */
export function writeRawResponse(socket: Duplex, status: number, text: string): void {
  if (socket.destroyed) return;
  const body = Buffer.from(text, 'utf8');
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n` +
    `Date: ${new Date().toUTCString()}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${body.length}\r\n` +
    'Connection: close\r\n\r\n';
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]), () => socket.destroy());
}
