// The headers a proxied request carries to its backend: the client's own, minus hop-by-hop headers and minus
// anything the filters removed (the Authorization header, the WebSocket bearer subprotocol), so the user's
// credentials never travel past the apiserver.
import type { IncomingHttpHeaders } from 'node:http';

/** What the forwarded header set is built from. */
export interface ForwardHeadersInput {
  /** The headers as received, duplicates and order preserved (`IncomingMessage.rawHeaders`). */
  rawHeaders: readonly string[];
  /** The same headers after the filter chain; a name missing here was removed on purpose. */
  filtered: IncomingHttpHeaders;
  /** The backend's `host:port`, sent as Host. */
  host: string;
  /** The client's address, appended to X-Forwarded-For. */
  remoteAddress: string;
  /** Keep Connection: Upgrade and Upgrade (an upgrade request); otherwise they are hop-by-hop and dropped. */
  upgrade: boolean;
}

// RFC 9110 §7.6.1 plus the de-facto ones Go's reverse proxy also removes; framing is set by whoever sends the body.
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'host',
]);

// Never forwarded, whatever the filters did: a kubelet must not see the user's credentials.
const CREDENTIALS = new Set(['authorization', 'proxy-authorization']);

/** The backend request's headers, lowercased, repeated headers kept as arrays. */
export function forwardHeaders(input: ForwardHeadersInput): Record<string, string | string[]> {
  const listedInConnection = new Set(
    String(input.filtered.connection ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t && t !== 'upgrade'),
  );
  const out: Record<string, string[]> = {};
  for (let i = 0; i + 1 < input.rawHeaders.length; i += 2) {
    const name = input.rawHeaders[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || CREDENTIALS.has(name) || listedInConnection.has(name)) continue;
    if (input.filtered[name] === undefined) continue;
    // A header the filters rewrote (the WebSocket subprotocol list) is taken in its rewritten form, once.
    if (name === 'sec-websocket-protocol') {
      out[name] = [String(input.filtered[name])];
      continue;
    }
    (out[name] ??= []).push(input.rawHeaders[i + 1]);
  }
  const result: Record<string, string | string[]> = { host: input.host };
  for (const [name, values] of Object.entries(out)) result[name] = values.length === 1 ? values[0] : values;
  const forwardedFor = out['x-forwarded-for'] ? `${out['x-forwarded-for'].join(', ')}, ${input.remoteAddress}` : input.remoteAddress;
  if (input.remoteAddress) result['x-forwarded-for'] = forwardedFor;
  if (input.upgrade) {
    result.connection = 'Upgrade';
    result.upgrade = String(input.filtered.upgrade ?? '');
  }
  return result;
}
