import { describe, it, expect } from 'vitest';
import { stripWebsocketBearerProtocol, websocketProtocolAuthenticator } from './websocket-protocol.ts';
import { tokenFileAuthenticator } from './token-file.ts';

const tokens = tokenFileAuthenticator([{ token: 's3cret', user: { name: 'alice', groups: ['dev'] } }]);
const authn = websocketProtocolAuthenticator(tokens);
const encode = (token: string) => `base64url.bearer.authorization.k8s.io.${Buffer.from(token).toString('base64url')}`;
const upgrade = (protocol: string | string[]) => ({
  headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-protocol': protocol },
});

describe('websocketProtocolAuthenticator', () => {
  it('authenticates the token carried in the bearer subprotocol', async () => {
    expect(await authn.authenticate(upgrade(`${encode('s3cret')}, v5.channel.k8s.io`))).toEqual({
      kind: 'authenticated',
      user: { name: 'alice', groups: ['dev'] },
    });
  });

  it('reads protocols split over several header lines', async () => {
    expect((await authn.authenticate(upgrade(['v4.channel.k8s.io', encode('s3cret')]))).kind).toBe('authenticated');
  });

  it('rejects a token the inner chain does not know', async () => {
    expect(await authn.authenticate(upgrade(`${encode('guess')},v5.channel.k8s.io`))).toEqual({
      kind: 'rejected',
      reason: 'invalid bearer token',
    });
  });

  it('has no opinion on plain requests and on upgrades without the bearer subprotocol', async () => {
    expect(await authn.authenticate({ headers: { 'sec-websocket-protocol': encode('s3cret') } })).toEqual({ kind: 'no-opinion' });
    expect(await authn.authenticate(upgrade('v5.channel.k8s.io'))).toEqual({ kind: 'no-opinion' });
  });

  it('rejects a token offered as the only subprotocol, two tokens, or bad encoding', async () => {
    expect(await authn.authenticate(upgrade(encode('s3cret')))).toEqual({ kind: 'rejected', reason: 'missing additional subprotocol' });
    expect((await authn.authenticate(upgrade(`${encode('s3cret')},${encode('s3cret')},v5.channel.k8s.io`))).kind).toBe('rejected');
    expect(await authn.authenticate(upgrade('base64url.bearer.authorization.k8s.io.a+b/c=,v5.channel.k8s.io'))).toEqual({
      kind: 'rejected',
      reason: 'invalid base64.bearer.authorization token encoding',
    });
  });
});

describe('stripWebsocketBearerProtocol', () => {
  it('removes only the bearer entry', () => {
    expect(stripWebsocketBearerProtocol(`${encode('s3cret')}, v5.channel.k8s.io,v4.channel.k8s.io`)).toBe('v5.channel.k8s.io,v4.channel.k8s.io');
    expect(stripWebsocketBearerProtocol(['v5.channel.k8s.io', encode('x')])).toBe('v5.channel.k8s.io');
  });

  it('returns undefined when nothing else was offered', () => {
    expect(stripWebsocketBearerProtocol(encode('s3cret'))).toBeUndefined();
    expect(stripWebsocketBearerProtocol(undefined)).toBeUndefined();
  });
});
