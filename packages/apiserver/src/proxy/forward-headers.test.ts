import { describe, expect, it } from 'vitest';
import { forwardHeaders } from './forward-headers.ts';

const raw = [
  'Host', 'apiserver:6443',
  'Authorization', 'Bearer secret',
  'Connection', 'Upgrade, X-Hop',
  'Upgrade', 'SPDY/3.1',
  'X-Hop', 'drop me',
  'Keep-Alive', 'timeout=5',
  'X-Stream-Protocol-Version', 'v4.channel.k8s.io',
  'X-Stream-Protocol-Version', 'channel.k8s.io',
  'Sec-WebSocket-Protocol', 'v5.channel.k8s.io, base64url.bearer.authorization.k8s.io.c2VjcmV0',
  'X-Forwarded-For', '192.0.2.1',
  'Content-Length', '0',
  'User-Agent', 'kubectl/v1.32',
];

// What the authentication filter leaves: Authorization gone, the bearer subprotocol stripped.
const filtered = {
  host: 'apiserver:6443',
  connection: 'Upgrade, X-Hop',
  upgrade: 'SPDY/3.1',
  'x-hop': 'drop me',
  'keep-alive': 'timeout=5',
  'x-stream-protocol-version': 'v4.channel.k8s.io, channel.k8s.io',
  'sec-websocket-protocol': 'v5.channel.k8s.io',
  'x-forwarded-for': '192.0.2.1',
  'content-length': '0',
  'user-agent': 'kubectl/v1.32',
};

describe('forwardHeaders', () => {
  it('keeps an upgrade upgrading, repeated headers repeated, and drops credentials and hop-by-hop headers', () => {
    expect(forwardHeaders({ rawHeaders: raw, filtered, host: '10.0.0.5:10250', remoteAddress: '198.51.100.4', upgrade: true })).toEqual({
      host: '10.0.0.5:10250',
      connection: 'Upgrade',
      upgrade: 'SPDY/3.1',
      'x-stream-protocol-version': ['v4.channel.k8s.io', 'channel.k8s.io'],
      'sec-websocket-protocol': 'v5.channel.k8s.io',
      'x-forwarded-for': '192.0.2.1, 198.51.100.4',
      'user-agent': 'kubectl/v1.32',
    });
  });

  it('drops Connection and Upgrade from an ordinary request', () => {
    const headers = forwardHeaders({ rawHeaders: raw, filtered, host: 'n:10250', remoteAddress: '', upgrade: false });
    expect(Object.keys(headers).sort()).toEqual(['host', 'sec-websocket-protocol', 'user-agent', 'x-forwarded-for', 'x-stream-protocol-version']);
  });

  it('never forwards Authorization even if a filter forgot to remove it', () => {
    const headers = forwardHeaders({ rawHeaders: raw, filtered: { ...filtered, authorization: 'Bearer secret' }, host: 'n:1', remoteAddress: '', upgrade: true });
    expect(JSON.stringify(headers)).not.toContain('secret');
  });
});
