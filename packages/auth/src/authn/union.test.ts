import { describe, it, expect } from 'vitest';
import { authenticatedGroupAdded, unionAuthenticator, withAnonymous } from './union.ts';
import type { Authenticator, AuthnResult } from './types.ts';

const fixed = (name: string, result: AuthnResult, calls?: string[]): Authenticator => ({
  name,
  authenticate: () => {
    calls?.push(name);
    return result;
  },
});
const alice: AuthnResult = { kind: 'authenticated', user: { name: 'alice', groups: ['dev'] } };
const req = { headers: {} };

describe('unionAuthenticator', () => {
  it('falls through members with no opinion to the first that authenticates', async () => {
    const calls: string[] = [];
    const union = unionAuthenticator('authn', [
      fixed('a', { kind: 'no-opinion' }, calls),
      fixed('b', alice, calls),
      fixed('c', { kind: 'authenticated', user: { name: 'bob', groups: [] } }, calls),
    ]);
    expect(await union.authenticate(req)).toEqual(alice);
    expect(calls).toEqual(['a', 'b']);
  });

  it('keeps going after a rejection and lets a later member authenticate', async () => {
    const union = unionAuthenticator('authn', [fixed('a', { kind: 'rejected', reason: 'bad' }), fixed('b', alice)]);
    expect(await union.authenticate(req)).toEqual(alice);
  });

  it('rejects with every reason when nobody authenticates but some reject', async () => {
    const union = unionAuthenticator('authn', [
      fixed('a', { kind: 'rejected', reason: 'first' }),
      fixed('b', { kind: 'no-opinion' }),
      fixed('c', { kind: 'rejected', reason: 'second' }),
    ]);
    expect(await union.authenticate(req)).toEqual({ kind: 'rejected', reason: '[first, second]' });
  });

  it('has no opinion when no member has one', async () => {
    const union = unionAuthenticator('authn', [fixed('a', { kind: 'no-opinion' }), fixed('b', { kind: 'no-opinion' })]);
    expect(await union.authenticate(req)).toEqual({ kind: 'no-opinion' });
  });

  it('collapses a union of one to that member', () => {
    const only = fixed('only', alice);
    expect(unionAuthenticator('authn', [only])).toBe(only);
  });
});

describe('withAnonymous', () => {
  it('turns no-opinion into system:anonymous when enabled', async () => {
    const chain = withAnonymous(fixed('a', { kind: 'no-opinion' }), true);
    expect(await chain.authenticate(req)).toEqual({
      kind: 'authenticated',
      user: { name: 'system:anonymous', groups: ['system:unauthenticated'] },
    });
  });

  it('leaves a rejected credential rejected even with anonymous enabled', async () => {
    const chain = withAnonymous(fixed('a', { kind: 'rejected', reason: 'invalid bearer token' }), true);
    expect(await chain.authenticate(req)).toEqual({ kind: 'rejected', reason: 'invalid bearer token' });
  });

  it('is the chain itself when disabled', async () => {
    const inner = fixed('a', { kind: 'no-opinion' });
    expect(withAnonymous(inner, false)).toBe(inner);
  });
});

describe('authenticatedGroupAdded', () => {
  it('adds system:authenticated to authenticated users once', async () => {
    const chain = authenticatedGroupAdded(fixed('a', { kind: 'authenticated', user: { name: 'u', groups: ['g', 'system:authenticated'] } }));
    const result = await chain.authenticate(req);
    expect(result.kind === 'authenticated' && result.user.groups).toEqual(['g', 'system:authenticated']);
    const plain = await authenticatedGroupAdded(fixed('b', alice)).authenticate(req);
    expect(plain.kind === 'authenticated' && plain.user.groups).toEqual(['dev', 'system:authenticated']);
  });

  it('does not add it to the anonymous user', async () => {
    const chain = authenticatedGroupAdded(withAnonymous(fixed('a', { kind: 'no-opinion' }), true));
    const result = await chain.authenticate(req);
    expect(result.kind === 'authenticated' && result.user.groups).toEqual(['system:unauthenticated']);
  });
});

describe('the apiserver chain', () => {
  it('authenticates known tokens, rejects unknown ones and lets credential-less requests in as anonymous', async () => {
    const { tokenFileAuthenticator } = await import('./token-file.ts');
    const { bearerTokenCatchAll } = await import('./bearer-token.ts');
    const { websocketProtocolAuthenticator } = await import('./websocket-protocol.ts');
    const tokens = unionAuthenticator('tokens', [tokenFileAuthenticator([{ token: 'good', user: { name: 'alice', groups: [] } }])]);
    const chain = withAnonymous(
      authenticatedGroupAdded(bearerTokenCatchAll(unionAuthenticator('authn', [tokens, websocketProtocolAuthenticator(tokens)]))),
      true,
    );

    const good = await chain.authenticate({ headers: { authorization: 'Bearer good' } });
    expect(good).toEqual({ kind: 'authenticated', user: { name: 'alice', groups: ['system:authenticated'] } });
    expect(await chain.authenticate({ headers: { authorization: 'Bearer bad' } })).toEqual({ kind: 'rejected', reason: 'invalid bearer token' });
    const anon = await chain.authenticate({ headers: {} });
    expect(anon.kind === 'authenticated' && anon.user).toEqual({ name: 'system:anonymous', groups: ['system:unauthenticated'] });
  });
});
