// `--authentication-token-webhook`: the kubelet asks the apiserver who a bearer token belongs to by creating
// an authentication.k8s.io/v1 TokenReview with its own credentials (k8s.io/apiserver's webhook token
// authenticator behind its token cache). Answers are cached by the token's hash, so the token itself is never
// kept; a review that could not be made is not cached, so an apiserver blip does not lock users out for long.
import { createHash } from 'node:crypto';
import { bearerToken, INVALID_BEARER_TOKEN, type Authenticator, type AuthnResult, type UserInfo } from '@hubspoke/auth';
import type { ApiClient } from '@hubspoke/client';
import type { Logger } from 'pino';
import { TtlCache } from './ttl-cache.ts';

/** The collection TokenReviews are created in. */
export const TOKEN_REVIEWS_PATH = '/apis/authentication.k8s.io/v1/tokenreviews';

/** The kubelet's default `authentication.webhook.cacheTTL`: two minutes. */
export const DEFAULT_TOKEN_CACHE_TTL_MS = 120_000;

/** What the webhook token authenticator needs. */
export interface TokenReviewAuthenticatorOptions {
  /** The kubelet's own apiserver client (only `create` is used). */
  client: Pick<ApiClient, 'create'>;
  /** How long an accepted token is remembered (default 2 min). */
  successTtlMs?: number;
  /** How long a token the apiserver did not accept is remembered (default 2 min, the same TTL as Kubernetes' kubelet). */
  failureTtlMs?: number;
  logger?: Logger;
  now?: () => number;
}

interface ReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  error?: string;
}

/**
 * Authenticates `Authorization: Bearer` tokens with TokenReviews. No token → no-opinion; a token the apiserver
 * did not accept, or a review that failed → rejected (a presented credential never falls through to anonymous).
 */
export function tokenReviewAuthenticator(options: TokenReviewAuthenticatorOptions): Authenticator {
  const successTtlMs = options.successTtlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS;
  const failureTtlMs = options.failureTtlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS;
  const cache = new TtlCache<AuthnResult>({ now: options.now });
  // Concurrent requests with the same token share one review.
  const inFlight = new Map<string, Promise<AuthnResult>>();

  async function review(token: string): Promise<{ result: AuthnResult; cacheable: boolean }> {
    let status: ReviewStatus;
    try {
      const answer = await options.client.create<{ status?: ReviewStatus }>(TOKEN_REVIEWS_PATH, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        metadata: { creationTimestamp: null },
        spec: { token },
      });
      status = answer?.status ?? {};
    } catch (err) {
      options.logger?.error({ err }, 'Unable to authenticate the request due to an error');
      return { result: { kind: 'rejected', reason: 'token review failed' }, cacheable: false };
    }
    if (status.authenticated && status.user?.username) {
      return { result: { kind: 'authenticated', user: userFromStatus(status.user) }, cacheable: true };
    }
    // Kubernetes treats a review that reports an error as a failed review, not as a verdict on the token.
    if (status.error) return { result: { kind: 'rejected', reason: status.error }, cacheable: false };
    return { result: { kind: 'rejected', reason: INVALID_BEARER_TOKEN }, cacheable: true };
  }

  return {
    name: 'webhook-token',
    async authenticate(req): Promise<AuthnResult> {
      const token = bearerToken(req);
      if (token === undefined) return { kind: 'no-opinion' };
      const key = createHash('sha256').update(token).digest('base64');
      const cached = cache.get(key);
      if (cached) return cached;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = review(token).then(({ result, cacheable }) => {
          if (cacheable) cache.set(key, result, result.kind === 'authenticated' ? successTtlMs : failureTtlMs);
          return result;
        });
        inFlight.set(key, pending);
        void pending.finally(() => inFlight.delete(key));
      }
      return pending;
    },
  };
}

function userFromStatus(user: NonNullable<ReviewStatus['user']>): UserInfo {
  const info: UserInfo = { name: user.username!, groups: user.groups ?? [] };
  if (user.uid) info.uid = user.uid;
  if (user.extra && Object.keys(user.extra).length > 0) info.extra = user.extra;
  return info;
}
