import { describe, expect, it } from 'vitest';
import { requiresRefresh, TokenManager } from './token-manager.ts';
import type { IssuedTokenRequest } from './token-manager.ts';
import type { TokenRequestSpec } from './types.ts';

const T0 = Date.parse('2025-03-01T12:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function issued(ttlSeconds: number | undefined, token = 't', uid = 'pod-1', issuedAt = T0): IssuedTokenRequest {
  return {
    spec: { expirationSeconds: ttlSeconds, boundObjectRef: { uid } },
    status: { token, expirationTimestamp: new Date(issuedAt + (ttlSeconds ?? 3600) * 1000).toISOString() },
  };
}

const spec = (uid = 'pod-1'): TokenRequestSpec => ({ expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid } });

describe('requiresRefresh', () => {
  it('is due once older than 80% of the lifetime', () => {
    // 20% of 3607 s is 721 s (integer division): due after 2886 s.
    expect(requiresRefresh(issued(3607), at(2886))).toBe(false);
    expect(requiresRefresh(issued(3607), at(2887))).toBe(true);
  });

  it('brings the deadline forward by the jitter', () => {
    expect(requiresRefresh(issued(3607), at(2880), 0)).toBe(false);
    expect(requiresRefresh(issued(3607), at(2880), 9)).toBe(true);
  });

  it('is due after 24 hours even when 80% of a long lifetime is further away', () => {
    const week = 7 * 24 * 3600;
    expect(requiresRefresh(issued(week), at(24 * 3600))).toBe(false);
    expect(requiresRefresh(issued(week), at(24 * 3600 + 1))).toBe(true);
  });

  it('never refreshes a token whose lifetime is unknown', () => {
    expect(requiresRefresh(issued(undefined), at(10 * 24 * 3600))).toBe(false);
  });
});

describe('TokenManager', () => {
  function manager(responses: Array<IssuedTokenRequest | Error>) {
    let now = T0;
    const calls: TokenRequestSpec[] = [];
    const tokens = new TokenManager({
      now: () => new Date(now),
      random: () => 0,
      requestToken: async (_ns, _sa, s) => {
        calls.push(s);
        const next = responses.shift();
        if (!next || next instanceof Error) throw next ?? new Error('no more responses');
        return next;
      },
    });
    return { tokens, calls, advance: (seconds: number) => (now += seconds * 1000) };
  }

  it('reuses a token until it is due, then requests a new one', async () => {
    const { tokens, calls, advance } = manager([issued(3607, 'first'), issued(3607, 'second', 'pod-1', T0 + 2900_000)]);
    expect(await tokens.getServiceAccountToken('shop', 'default', spec())).toEqual({ kind: 'issued', token: 'first' });
    advance(2800);
    expect(await tokens.getServiceAccountToken('shop', 'default', spec())).toEqual({ kind: 'issued', token: 'first' });
    advance(100);
    expect(await tokens.getServiceAccountToken('shop', 'default', spec())).toEqual({ kind: 'issued', token: 'second' });
    expect(calls).toHaveLength(2);
  });

  it('keeps separate tokens per bound pod and forgets a pod’s tokens', async () => {
    const { tokens, calls } = manager([issued(3607, 'a', 'pod-1'), issued(3607, 'b', 'pod-2'), issued(3607, 'c', 'pod-1')]);
    await tokens.getServiceAccountToken('shop', 'default', spec('pod-1'));
    expect(await tokens.getServiceAccountToken('shop', 'default', spec('pod-2'))).toEqual({ kind: 'issued', token: 'b' });
    tokens.deletePodTokens('pod-1');
    expect(tokens.size).toBe(1);
    expect(await tokens.getServiceAccountToken('shop', 'default', spec('pod-1'))).toEqual({ kind: 'issued', token: 'c' });
    expect(calls).toHaveLength(3);
  });

  it('reports a first request that fails as "failed to fetch token"', async () => {
    const { tokens } = manager([new Error('serviceaccounts "default" not found')]);
    expect(await tokens.getServiceAccountToken('shop', 'default', spec())).toEqual({
      kind: 'failed',
      message: 'failed to fetch token: serviceaccounts "default" not found',
    });
  });

  it('keeps the old token while a refresh fails, until it has expired', async () => {
    const { tokens, advance } = manager([issued(3607, 'old'), new Error('connection refused'), new Error('connection refused')]);
    await tokens.getServiceAccountToken('shop', 'default', spec());
    advance(3000);
    expect(await tokens.getServiceAccountToken('shop', 'default', spec())).toEqual({ kind: 'issued', token: 'old' });
    advance(700);
    const expired = await tokens.getServiceAccountToken('shop', 'default', spec());
    expect(expired).toMatchObject({ kind: 'failed', message: expect.stringMatching(/^token \S+ expired and refresh failed: connection refused$/) });
    expect((expired as { message: string }).message).toContain('pod-1');
  });
});

describe('TokenManager cache upkeep', () => {
  it('sweeps the other expired tokens when one is requested', async () => {
    let now = T0;
    const responses = [issued(600, 'short', 'pod-1'), issued(3607, 'long', 'pod-2', T0 + 700_000)];
    const tokens = new TokenManager({ now: () => new Date(now), random: () => 0, requestToken: async () => responses.shift()! });
    await tokens.getServiceAccountToken('shop', 'default', spec('pod-1'));
    now += 700_000;
    await tokens.getServiceAccountToken('shop', 'default', spec('pod-2'));
    expect(tokens.size).toBe(1);
  });
});
