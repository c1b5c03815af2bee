// `--authorization-mode=Webhook`: the kubelet asks the apiserver whether a user may act on its `nodes/…`
// subresource by creating an authorization.k8s.io/v1 SubjectAccessReview (k8s.io/apiserver's webhook
// authorizer). Answers are cached by the whole review spec: allowed ones for 5 minutes, the rest for 30 s, the
// kubelet's `authorization.webhook.cacheAuthorizedTTL` / `cacheUnauthorizedTTL` defaults.
import type { Attributes, Authorizer, Decision } from '@hubspoke/auth';
import type { ApiClient } from '@hubspoke/client';
import { TtlCache } from './ttl-cache.ts';

/** The collection SubjectAccessReviews are created in. */
export const SUBJECT_ACCESS_REVIEWS_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

/** The kubelet's default `authorization.webhook.cacheAuthorizedTTL`: five minutes. */
export const DEFAULT_AUTHORIZED_TTL_MS = 300_000;
/** The kubelet's default `authorization.webhook.cacheUnauthorizedTTL`: thirty seconds. */
export const DEFAULT_UNAUTHORIZED_TTL_MS = 30_000;

/** What the webhook authorizer needs. */
export interface SubjectAccessReviewAuthorizerOptions {
  /** The kubelet's own apiserver client (only `create` is used). */
  client: Pick<ApiClient, 'create'>;
  authorizedTtlMs?: number;
  unauthorizedTtlMs?: number;
  now?: () => number;
}

interface ReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/**
 * Authorizes with SubjectAccessReviews: allowed → allow, denied → deny, otherwise no-opinion. Throws when the
 * review cannot be made (the kubelet answers 500 `Authorization error`); such failures are not cached.
 */
export function subjectAccessReviewAuthorizer(options: SubjectAccessReviewAuthorizerOptions): Authorizer {
  const authorizedTtlMs = options.authorizedTtlMs ?? DEFAULT_AUTHORIZED_TTL_MS;
  const unauthorizedTtlMs = options.unauthorizedTtlMs ?? DEFAULT_UNAUTHORIZED_TTL_MS;
  const cache = new TtlCache<Decision>({ now: options.now });

  return {
    name: 'Webhook',
    async authorize(attrs): Promise<Decision> {
      const spec = reviewSpec(attrs);
      const key = JSON.stringify(spec);
      const cached = cache.get(key);
      if (cached) return cached;
      const answer = await options.client.create<{ status?: ReviewStatus }>(SUBJECT_ACCESS_REVIEWS_PATH, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        metadata: { creationTimestamp: null },
        spec,
      });
      const decision = decisionFrom(answer?.status ?? {});
      cache.set(key, decision, decision.kind === 'allow' ? authorizedTtlMs : unauthorizedTtlMs);
      return decision;
    },
  };
}

/** The SubjectAccessReview spec for `attrs`, with empty fields left out as Go's omitempty does. */
export function reviewSpec(attrs: Attributes): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  if (attrs.isResourceRequest) {
    spec.resourceAttributes = omitEmpty({
      namespace: attrs.namespace,
      verb: attrs.verb,
      group: attrs.apiGroup,
      version: attrs.apiVersion,
      resource: attrs.resource,
      subresource: attrs.subresource,
      name: attrs.name,
    });
  } else {
    spec.nonResourceAttributes = omitEmpty({ path: attrs.path, verb: attrs.verb });
  }
  const { user } = attrs;
  if (user.name) spec.user = user.name;
  if (user.groups.length > 0) spec.groups = user.groups;
  if (user.extra && Object.keys(user.extra).length > 0) spec.extra = user.extra;
  if (user.uid) spec.uid = user.uid;
  return spec;
}

function decisionFrom(status: ReviewStatus): Decision {
  const reason = status.reason || status.evaluationError || undefined;
  if (status.allowed) return reason ? { kind: 'allow', reason } : { kind: 'allow' };
  if (status.denied) return reason ? { kind: 'deny', reason } : { kind: 'deny' };
  return reason ? { kind: 'no-opinion', reason } : { kind: 'no-opinion' };
}

function omitEmpty(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => Boolean(entry[1])));
}
