import { describe, expect, it } from 'vitest';
import { ApiError } from '@hubspoke/api';
import { TOKEN_REVIEWS_PATH, tokenReviewAuthenticator } from './token-review.ts';

type Status = Record<string, unknown>;

/** A client whose TokenReviews are answered by `answer`, recording each review it was asked for. */
function reviewingClient(answer: (token: string) => Status | Error) {
  const calls: Array<{ path: string; body: any }> = [];
  return {
    calls,
    client: {
      async create<T>(path: string, body: unknown): Promise<T> {
        calls.push({ path, body });
        await new Promise((resolve) => setImmediate(resolve));
        const status = answer((body as { spec: { token: string } }).spec.token);
        if (status instanceof Error) throw status;
        return { ...(body as object), status } as T;
      },
    },
  };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const validUser = { authenticated: true, user: { username: 'alice', uid: 'u-1', groups: ['devs'], extra: { scope: ['a'] } } };

describe('TokenReview authenticator', () => {
  it('has no opinion about a request without a bearer token and asks nothing', async () => {
    const { client, calls } = reviewingClient(() => validUser);
    expect(await tokenReviewAuthenticator({ client }).authenticate({ headers: {} })).toEqual({ kind: 'no-opinion' });
    expect(calls).toHaveLength(0);
  });

  it('creates an authentication.k8s.io/v1 TokenReview and takes the user from its status', async () => {
    const { client, calls } = reviewingClient(() => validUser);
    const result = await tokenReviewAuthenticator({ client }).authenticate(bearer('tok-1'));
    expect(result).toEqual({ kind: 'authenticated', user: { name: 'alice', uid: 'u-1', groups: ['devs'], extra: { scope: ['a'] } } });
    expect(calls).toEqual([
      {
        path: TOKEN_REVIEWS_PATH,
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: { creationTimestamp: null }, spec: { token: 'tok-1' } },
      },
    ]);
  });

  it('remembers an accepted token for two minutes by default', async () => {
    let now = 0;
    const { client, calls } = reviewingClient(() => validUser);
    const authn = tokenReviewAuthenticator({ client, now: () => now });
    await authn.authenticate(bearer('tok'));
    now = 119_999;
    await authn.authenticate(bearer('tok'));
    expect(calls).toHaveLength(1);
    now = 120_000;
    await authn.authenticate(bearer('tok'));
    expect(calls).toHaveLength(2);
  });

  it('rejects a token the apiserver does not accept and remembers that for the failure TTL', async () => {
    let now = 0;
    const { client, calls } = reviewingClient(() => ({ authenticated: false }));
    const authn = tokenReviewAuthenticator({ client, failureTtlMs: 10_000, now: () => now });
    expect(await authn.authenticate(bearer('bad'))).toEqual({ kind: 'rejected', reason: 'invalid bearer token' });
    now = 9_999;
    await authn.authenticate(bearer('bad'));
    expect(calls).toHaveLength(1);
    now = 10_000;
    await authn.authenticate(bearer('bad'));
    expect(calls).toHaveLength(2);
  });

  it('does not cache a review that failed or reported an error', async () => {
    let answer: Status | Error = new ApiError(403, 'Forbidden', 'tokenreviews.authentication.k8s.io is forbidden');
    const { client, calls } = reviewingClient(() => answer);
    const authn = tokenReviewAuthenticator({ client });
    expect((await authn.authenticate(bearer('t'))).kind).toBe('rejected');
    answer = { authenticated: false, error: 'token expired' };
    expect(await authn.authenticate(bearer('t'))).toEqual({ kind: 'rejected', reason: 'token expired' });
    answer = validUser;
    expect((await authn.authenticate(bearer('t'))).kind).toBe('authenticated');
    expect(calls).toHaveLength(3);
  });

  it('shares one review among concurrent requests with the same token', async () => {
    const { client, calls } = reviewingClient(() => validUser);
    const authn = tokenReviewAuthenticator({ client });
    const results = await Promise.all([1, 2, 3].map(() => authn.authenticate(bearer('same'))));
    expect(results.every((r) => r.kind === 'authenticated')).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('keeps tokens apart: another token is reviewed on its own', async () => {
    const { client, calls } = reviewingClient((token) => (token === 'good' ? validUser : { authenticated: false }));
    const authn = tokenReviewAuthenticator({ client });
    expect((await authn.authenticate(bearer('good'))).kind).toBe('authenticated');
    expect((await authn.authenticate(bearer('other'))).kind).toBe('rejected');
    expect(calls.map((c) => c.body.spec.token)).toEqual(['good', 'other']);
  });
});
