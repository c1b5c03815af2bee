// Completes the WebSocket handshake of an authorized upgrade request with one negotiated channel
// subprotocol. A request offering none of the endpoint's subprotocols is refused as the kubelet's
// x/net/websocket server refuses it: 403 Forbidden, then the connection is closed.
import type { IncomingMessage } from 'node:http';
import type { UpgradeRequest } from '../types.ts';
import { writeRawResponse } from '../../server/raw-response.ts';
import { ChannelConnection } from './channel-connection.ts';
import type { ChannelConnectionOptions } from './channel-connection.ts';
import { channelProtocols, negotiateProtocol, offeredProtocols } from './subprotocol.ts';
import { WebSocketServerClass } from './ws-library.ts';
import type { WebSocket } from './ws-library.ts';

const chosen = new WeakMap<IncomingMessage, string>();

const server = new WebSocketServerClass({
  noServer: true,
  clientTracking: false,
  // The kubelet's WebSocket server does not compress.
  perMessageDeflate: false,
  handleProtocols: (_offered, req) => chosen.get(req) || false,
});

/** Upgrades to a WebSocket answering `protocol` ('' = none); undefined when the handshake failed. */
export function upgradeToWebSocket(up: UpgradeRequest, protocol: string): Promise<WebSocket | undefined> {
  chosen.set(up.req, protocol);
  return new Promise((resolve) => {
    // ws answers a malformed handshake itself and never calls back; the socket closing tells us.
    up.socket.once('close', () => resolve(undefined));
    server.handleUpgrade(up.req, up.socket, up.head, (ws) => resolve(ws));
  });
}

/** Negotiates one of `supported` and upgrades; undefined when refused (already answered on the socket). */
export async function acceptChannelWebSocket(
  up: UpgradeRequest,
  supported: readonly string[],
  opts?: ChannelConnectionOptions,
): Promise<ChannelConnection | undefined> {
  const offered = offeredProtocols(up.req.headers['sec-websocket-protocol']);
  const name = negotiateProtocol(offered, supported);
  if (name === undefined) {
    writeRawResponse(up.socket, 403, '');
    return undefined;
  }
  const ws = await upgradeToWebSocket(up, name);
  return ws ? new ChannelConnection(ws, channelProtocols.get(name)!, opts) : undefined;
}
