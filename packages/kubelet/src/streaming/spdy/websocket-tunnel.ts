// kubectl ≥ 1.31 port-forward first dials a WebSocket offering `SPDY/3.1+portforward.k8s.io` and, once that
// subprotocol is echoed, runs its ordinary SPDY client inside it: SPDY bytes in binary messages, no channel
// byte, cut anywhere. Seen as a byte Duplex the tunnel carries the same session as a raw upgraded socket.
import type { PortForwardSession, UpgradeRequest } from '../types.ts';
import { writeHttpError } from './handshake.ts';
import { isPortForwardStream, servePortForward } from './port-forward.ts';
import { SpdySession } from './session.ts';
import type { SpdyTuning } from './tuning.ts';
import { ws } from './ws-module.ts';

/** The WebSocket subprotocol of tunnelled SPDY port-forwarding. */
export const SPDY_OVER_WEBSOCKET_PORT_FORWARD = 'SPDY/3.1+portforward.k8s.io';

/**
 * Accepts the tunnelling WebSocket and serves port-forward inside it. Resolves undefined when the request
 * does not offer the subprotocol or is not a valid WebSocket handshake (an HTTP error is written).
 */
export function acceptSpdyOverWebSocketPortForward(up: UpgradeRequest, tuning: SpdyTuning = {}): Promise<PortForwardSession | undefined> {
  const offered = (up.req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (!offered.includes(SPDY_OVER_WEBSOCKET_PORT_FORWARD)) {
    writeHttpError(up.socket, 400, `unable to upgrade: the ${SPDY_OVER_WEBSOCKET_PORT_FORWARD} subprotocol is required`);
    return Promise.resolve(undefined);
  }
  const server = new ws.WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
  // `ws` only accepts RFC 7230 tokens as subprotocols and `/` is not one: it would refuse this handshake. So
  // the header is hidden from it for the (synchronous) handshake and the echo is added to its response.
  server.on('headers', (headers) => headers.push(`Sec-WebSocket-Protocol: ${SPDY_OVER_WEBSOCKET_PORT_FORWARD}`));
  const offeredHeader = up.req.headers['sec-websocket-protocol'];
  delete up.req.headers['sec-websocket-protocol'];
  return new Promise((resolve) => {
    server.on('wsClientError', (err, socket) => {
      writeHttpError(socket, 400, `unable to upgrade: ${err.message}`);
      resolve(undefined);
    });
    // Some refusals inside `ws` just close the socket; nothing else would settle the promise then.
    up.socket.once('close', () => resolve(undefined));
    server.handleUpgrade(up.req, up.socket, up.head, (websocket) => {
      const connection = ws.createWebSocketStream(websocket);
      // Once the WebSocket is closed the tunnel is gone, even if a half-close of ours is still waiting on it.
      websocket.once('close', () => connection.destroy());
      const session = new SpdySession({
        connection,
        role: 'server',
        acceptStream: isPortForwardStream,
        closeTimeoutMs: tuning.closeTimeoutMs,
      });
      resolve(servePortForward(session, SPDY_OVER_WEBSOCKET_PORT_FORWARD, tuning));
    });
    up.req.headers['sec-websocket-protocol'] = offeredHeader;
  });
}
