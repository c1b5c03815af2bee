// The kubelet's ServiceAccount token cache (pkg/kubelet/token): one TokenRequest per distinct request
// (account, namespace, audiences, expiry, bound pod), reused until it is older than 80% of its lifetime or
// older than 24 h, minus a jitter of up to 10 s so a node's pods do not all refresh at once. A failed
// refresh keeps handing out the old token until it expires.
import type { Logger } from 'pino';
import type { TokenRequestSpec, TokenResult } from './types.ts';

/** The parts of an issued `authentication.k8s.io/v1` TokenRequest the cache reads. */
export interface IssuedTokenRequest {
  spec: { expirationSeconds?: number; boundObjectRef?: { uid?: string } };
  status: { token: string; expirationTimestamp: string };
}

/** POSTs a TokenRequest; throws with the apiserver's message when it is refused. */
export type RequestToken = (namespace: string, serviceAccount: string, spec: TokenRequestSpec) => Promise<IssuedTokenRequest>;

/** How the cache gets tokens and tells time. */
export interface TokenManagerOptions {
  requestToken: RequestToken;
  /** Defaults to the wall clock; tests move it forward to make tokens due. */
  now?: () => Date;
  /** A number in [0, 1) scaling the refresh jitter; defaults to Math.random. */
  random?: () => number;
  logger?: Logger;
}

/** Kubernetes' token_manager constants. */
const MAX_TTL_MS = 24 * 3_600_000;
const MAX_JITTER_SECONDS = 10;

/**
 * True when `tr` should be replaced now: past 80% of its lifetime, or 24 h old, each brought forward by
 * `jitterSeconds`. Without expirationSeconds the lifetime is unknown and the token is kept.
 */
export function requiresRefresh(tr: IssuedTokenRequest, now: Date, jitterSeconds = 0): boolean {
  const ttlSeconds = tr.spec.expirationSeconds;
  if (ttlSeconds === undefined) return false;
  const exp = Date.parse(tr.status.expirationTimestamp);
  const iat = exp - ttlSeconds * 1000;
  const jitterMs = jitterSeconds * 1000;
  if (now.getTime() > iat + MAX_TTL_MS - jitterMs) return true;
  // Integer division of the seconds, as Kubernetes computes 20% of the TTL.
  return now.getTime() > exp - Math.floor((ttlSeconds * 20) / 100) * 1000 - jitterMs;
}

/** Hands out ServiceAccount tokens, requesting them only when none is cached or the cached one is due. */
export class TokenManager {
  private readonly cache = new Map<string, IssuedTokenRequest>();
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(private readonly opts: TokenManagerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.random = opts.random ?? Math.random;
  }

  /** A token for `serviceAccount` in `namespace` matching `spec`, or Kubernetes' reason there is none. */
  async getServiceAccountToken(namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<TokenResult> {
    const key = cacheKey(namespace, serviceAccount, spec);
    this.dropExpired(key);
    const cached = this.cache.get(key);
    // Kubernetes' jitter is a whole number of seconds.
    const jitterSeconds = Math.floor(this.random() * MAX_JITTER_SECONDS);
    if (cached && !requiresRefresh(cached, this.now(), jitterSeconds)) return { kind: 'issued', token: cached.status.token };

    let fresh: IssuedTokenRequest;
    try {
      fresh = await this.opts.requestToken(namespace, serviceAccount, spec);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!cached) return { kind: 'failed', message: `failed to fetch token: ${message}` };
      if (this.expired(cached)) return { kind: 'failed', message: `token ${key} expired and refresh failed: ${message}` };
      this.opts.logger?.warn({ err, cacheKey: key }, "Couldn't update token");
      return { kind: 'issued', token: cached.status.token };
    }
    this.cache.set(key, fresh);
    return { kind: 'issued', token: fresh.status.token };
  }

  /** Forgets the tokens bound to pod `uid` (the pod is gone from this node). */
  deletePodTokens(uid: string): void {
    for (const [key, tr] of this.cache) if (tr.spec.boundObjectRef?.uid === uid) this.cache.delete(key);
  }

  /** The number of cached tokens. */
  get size(): number {
    return this.cache.size;
  }

  private expired(tr: IssuedTokenRequest): boolean {
    return this.now().getTime() > Date.parse(tr.status.expirationTimestamp);
  }

  // Kubernetes sweeps expired entries every minute; sweeping the others on use keeps the cache as small
  // without a timer, while the requested one stays to tell "expired and refresh failed" from a first fetch.
  private dropExpired(except: string): void {
    for (const [key, tr] of this.cache) if (key !== except && this.expired(tr)) this.cache.delete(key);
  }
}

/** Identifies a request without its secret parts (safe to log), as Kubernetes' keyFunc does. */
function cacheKey(namespace: string, serviceAccount: string, spec: TokenRequestSpec): string {
  const ref = spec.boundObjectRef;
  return JSON.stringify([serviceAccount, namespace, spec.audiences ?? [], spec.expirationSeconds ?? 0, [ref.kind, ref.name, ref.uid]]);
}
