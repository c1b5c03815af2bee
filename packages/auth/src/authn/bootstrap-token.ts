// Bootstrap tokens (`<id>.<secret>`) backed by Secrets `kube-system/bootstrap-token-<id>`: what a kubelet
// presents before it has a client certificate (TLS bootstrapping, PROTOCOLS §7).
import { timingSafeEqual } from 'node:crypto';
import { bearerToken, type Authenticator, type AuthnRequest, type AuthnResult } from './types.ts';
import { INVALID_BEARER_TOKEN } from './bearer-token.ts';
import { Groups } from '../user.ts';
import type { ObjectSource } from '../authz/types.ts';
import type { KubeObject } from '@hubspoke/api';

/** The Secret type that marks a bootstrap token. */
export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';

const TOKEN_FORMAT = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const EXTRA_GROUP_FORMAT = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

/** Options; `now` is for tests. */
export interface BootstrapTokenOptions {
  now?: () => Date;
}

/**
 * Authenticates bootstrap-shaped bearer tokens as `system:bootstrap:<id>` in `system:bootstrappers` plus the
 * Secret's `auth-extra-groups`. Tokens of another shape, or without a Secret, are left to other authenticators;
 * a Secret that does not accept the token rejects it.
 */
export function bootstrapTokenAuthenticator(
  source: ObjectSource,
  options: BootstrapTokenOptions = {},
): { authenticate(req: AuthnRequest): AuthnResult } & Authenticator {
  const now = options.now ?? (() => new Date());
  return {
    name: 'bootstrap-token',
    authenticate(req): AuthnResult {
      const match = TOKEN_FORMAT.exec(bearerToken(req) ?? '');
      if (!match) return { kind: 'no-opinion' };
      const [, tokenId, tokenSecret] = match;
      const secretName = `bootstrap-token-${tokenId}`;
      const secret = source.get('secrets', 'kube-system', secretName);
      if (!secret) return { kind: 'no-opinion' };

      const reject = (why: string): AuthnResult => ({
        kind: 'rejected',
        reason: `${INVALID_BEARER_TOKEN}: bootstrap secret kube-system/${secretName} ${why}`,
      });
      if (secret.metadata.deletionTimestamp) return reject('is deleted and awaiting removal');
      const data = secretData(secret);
      if (secret['type'] !== BOOTSTRAP_TOKEN_SECRET_TYPE || !data) {
        return reject(`has invalid type, expected ${BOOTSTRAP_TOKEN_SECRET_TYPE}`);
      }
      if (!sameText(data.get('token-secret') ?? '', tokenSecret)) return reject('has invalid value for key token-secret');
      if (data.get('token-id') !== tokenId) return reject('has invalid value for key token-id');

      const expiration = data.get('expiration');
      if (expiration !== undefined) {
        const expiresAt = RFC3339.test(expiration) ? Date.parse(expiration) : NaN;
        // Kubernetes treats an unparsable expiration as already expired.
        if (Number.isNaN(expiresAt)) return reject('has unparsable expiration time');
        if (now().getTime() > expiresAt) return reject(`has expired at ${expiration}`);
      }
      if (data.get('usage-bootstrap-authentication') !== 'true') return reject('not marked usage-bootstrap-authentication=true');

      const groups = new Set<string>([Groups.bootstrappers]);
      const extra = data.get('auth-extra-groups');
      if (extra) {
        for (const group of extra.split(',')) {
          if (!EXTRA_GROUP_FORMAT.test(group)) {
            return reject(`has invalid value for key auth-extra-groups: bootstrap group "${group}" is invalid (must match ${EXTRA_GROUP_FORMAT.source})`);
          }
          groups.add(group);
        }
      }
      return { kind: 'authenticated', user: { name: `system:bootstrap:${tokenId}`, groups: [...groups].sort() } };
    },
  };
}

// Secret `data` values are base64; `stringData` never reaches storage, so it is not consulted.
function secretData(secret: KubeObject): Map<string, string> | undefined {
  const data = secret['data'];
  if (!data || typeof data !== 'object') return undefined;
  const decoded = new Map<string, string>();
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value === 'string') decoded.set(key, Buffer.from(value, 'base64').toString('utf8'));
  }
  return decoded;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
