import { describe, expect, it } from 'vitest';
import { negotiateProtocol, offeredProtocols, PORT_FORWARD_PROTOCOLS, REMOTE_COMMAND_PROTOCOLS } from './subprotocol.ts';

describe('channel subprotocol negotiation', () => {
  it('reads every Sec-WebSocket-Protocol header, comma-split, in order', () => {
    expect(offeredProtocols('v5.channel.k8s.io, v4.channel.k8s.io')).toEqual(['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    expect(offeredProtocols(['a,b', ' c '])).toEqual(['a', 'b', 'c']);
    expect(offeredProtocols(undefined)).toEqual([]);
  });

  it("takes the client's first supported protocol, not the server's favourite", () => {
    expect(negotiateProtocol(['channel.k8s.io', 'v5.channel.k8s.io'], REMOTE_COMMAND_PROTOCOLS)).toBe('channel.k8s.io');
    expect(negotiateProtocol(['v3.channel.k8s.io', 'v4.base64.channel.k8s.io'], REMOTE_COMMAND_PROTOCOLS)).toBe(
      'v4.base64.channel.k8s.io',
    );
  });

  it('serves a request that offers nothing as the unnamed protocol, and refuses one that offers only unknown ones', () => {
    expect(negotiateProtocol([], REMOTE_COMMAND_PROTOCOLS)).toBe('');
    expect(negotiateProtocol(['v2.channel.k8s.io'], REMOTE_COMMAND_PROTOCOLS)).toBeUndefined();
  });

  it('offers port-forward no v5 (client-node then falls back to v4)', () => {
    expect(negotiateProtocol(['v5.channel.k8s.io', 'v4.channel.k8s.io'], PORT_FORWARD_PROTOCOLS)).toBe('v4.channel.k8s.io');
  });
});
