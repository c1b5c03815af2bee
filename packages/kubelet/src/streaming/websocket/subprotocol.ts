// The Kubernetes WebSocket channel subprotocols and how one is chosen (k8s.io/apimachinery wsstream): the
// client's list is walked in its own order and the first one the endpoint supports wins; a request that
// offers none is served as binary `channel.k8s.io` without echoing a subprotocol.

/** How one channel subprotocol frames messages and reports status. */
export interface ChannelProtocol {
  /** The Sec-WebSocket-Protocol value ('' when the client offered none). */
  name: string;
  /** binary: `[channel][payload]` binary messages; base64: `'0'+channel` then base64, as text. */
  encoding: 'binary' | 'base64';
  /** v4+: the error channel carries Status JSON; before v4 it carries the message text. */
  statusJson: boolean;
  /** v5: the client half-closes a channel with `[255, channel]`. */
  halfClose: boolean;
}

const protocols: readonly ChannelProtocol[] = [
  { name: '', encoding: 'binary', statusJson: false, halfClose: false },
  { name: 'channel.k8s.io', encoding: 'binary', statusJson: false, halfClose: false },
  { name: 'base64.channel.k8s.io', encoding: 'base64', statusJson: false, halfClose: false },
  { name: 'v4.channel.k8s.io', encoding: 'binary', statusJson: true, halfClose: false },
  { name: 'v4.base64.channel.k8s.io', encoding: 'base64', statusJson: true, halfClose: false },
  { name: 'v5.channel.k8s.io', encoding: 'binary', statusJson: true, halfClose: true },
];

/** Every channel subprotocol by name. */
export const channelProtocols: ReadonlyMap<string, ChannelProtocol> = new Map(protocols.map((p) => [p.name, p]));

/** exec and attach: the kubelet's set plus v5 (hubspoke's apiserver does not translate v5 to SPDY). */
export const REMOTE_COMMAND_PROTOCOLS: readonly string[] = [
  '',
  'channel.k8s.io',
  'base64.channel.k8s.io',
  'v4.channel.k8s.io',
  'v4.base64.channel.k8s.io',
  'v5.channel.k8s.io',
];

/** port-forward over channels (pkg/kubelet/cri/streaming/portforward/websocket.go). */
export const PORT_FORWARD_PROTOCOLS: readonly string[] = ['', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io'];

/** kubectl ≥1.31 port-forward: SPDY/3.1 frames inside binary WebSocket messages. */
export const SPDY_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

/** The subprotocols a request offers, in its order (every Sec-WebSocket-Protocol header, comma-split). */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values.flatMap((v) => v.split(',')).map((p) => p.trim()).filter(Boolean);
}

/** The client's most preferred protocol in `supported`; '' stands for "offered none". */
export function negotiateProtocol(offered: readonly string[], supported: readonly string[]): string | undefined {
  const candidates = offered.length ? offered : [''];
  return candidates.find((p) => supported.includes(p));
}
