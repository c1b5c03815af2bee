// Picks the transport of an authorized upgrade by its `Upgrade` header and hands the connection to it:
// `websocket` → the channel protocols (or SPDY tunnelled in WebSocket messages for kubectl ≥1.31
// port-forward), `SPDY/3.1` → SPDY. The sessions that come back look the same whatever carried them.
import type { IncomingMessage } from 'node:http';
import { writeRawResponse } from '../server/raw-response.ts';
import { acceptSpdyOverWebSocketPortForward, acceptSpdyPortForward, acceptSpdyRemoteCommand } from './spdy/index.ts';
import type { PortForwardSession, RemoteCommandOptions, RemoteCommandSession, UpgradeRequest } from './types.ts';
import { acceptWebSocketPortForward } from './websocket/port-forward.ts';
import { acceptWebSocketRemoteCommand } from './websocket/remote-command.ts';
import { negotiateProtocol, offeredProtocols, PORT_FORWARD_PROTOCOLS, SPDY_TUNNEL_PROTOCOL } from './websocket/subprotocol.ts';

/** The kubelet's SPDY exec/attach protocols, newest first (k8s.io/apimachinery remotecommand). */
export const SPDY_REMOTE_COMMAND_PROTOCOLS: readonly string[] = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

/** How a request wants its connection upgraded. */
export type UpgradeKind = 'websocket' | 'spdy' | 'spdy-over-websocket' | 'none' | 'unsupported';

/** Reads `Connection`/`Upgrade` (and, for port-forward, whether a WebSocket prefers the SPDY tunnel). */
export function upgradeKind(req: IncomingMessage, opts: { portForward?: boolean } = {}): UpgradeKind {
  const connection = String(req.headers.connection ?? '').toLowerCase();
  if (!connection.includes('upgrade')) return 'none';
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'spdy/3.1') return 'spdy';
  if (upgrade !== 'websocket') return 'unsupported';
  if (opts.portForward) {
    const offered = offeredProtocols(req.headers['sec-websocket-protocol']);
    if (negotiateProtocol(offered, [SPDY_TUNNEL_PROTOCOL, ...PORT_FORWARD_PROTOCOLS]) === SPDY_TUNNEL_PROTOCOL) return 'spdy-over-websocket';
  }
  return 'websocket';
}

/** Accepts an exec/attach session; undefined when the transport already answered an error. */
export function acceptRemoteCommand(up: UpgradeRequest, opts: RemoteCommandOptions): Promise<RemoteCommandSession | undefined> {
  switch (upgradeKind(up.req)) {
    case 'websocket':
      return acceptWebSocketRemoteCommand(up, opts);
    case 'spdy':
      return acceptSpdyRemoteCommand(up, opts, [...SPDY_REMOTE_COMMAND_PROTOCOLS]);
    default:
      return refuse(up);
  }
}

/**
 * Accepts a port-forward session. `ports` are needed only by the WebSocket channel protocol (SPDY clients
 * name the port per stream); undefined when the transport already answered an error.
 */
export function acceptPortForward(up: UpgradeRequest, ports: readonly number[]): Promise<PortForwardSession | undefined> {
  switch (upgradeKind(up.req, { portForward: true })) {
    case 'websocket':
      return acceptWebSocketPortForward(up, ports);
    case 'spdy-over-websocket':
      return acceptSpdyOverWebSocketPortForward(up);
    case 'spdy':
      return acceptSpdyPortForward(up);
    default:
      return refuse(up);
  }
}

async function refuse(up: UpgradeRequest): Promise<undefined> {
  writeRawResponse(up.socket, 400, 'unable to upgrade: missing upgrade headers in request');
  return undefined;
}
