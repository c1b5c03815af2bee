// Ending a relayed socket so its peer sees an error, not a clean end of stream.
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';

/**
 * Destroys `socket` with `error`; a plain TCP socket is reset (RST), so the peer reads ECONNRESET instead of an
 * EOF it could mistake for the end of a response. Unix sockets and TLS have no reset and are simply destroyed.
 */
export function abortSocket(socket: Duplex, error: Error): void {
  if (socket.destroyed) return;
  if (socket instanceof Socket && !(socket instanceof TLSSocket)) {
    try {
      socket.resetAndDestroy();
      return;
    } catch {
      // Not a TCP handle (a Unix socket): fall through to destroy.
    }
  }
  socket.destroy(error);
}
