// Credentials that carry no audience (static tokens, bootstrap tokens) are good for the apiserver's own
// audiences only: asked about other audiences (a TokenReview's spec.audiences), they have no opinion, and an
// answer names just the audiences both sides share (Kubernetes' WrapAudienceAgnosticToken).
import type { Authenticator } from './types.ts';

/** `inner`, limited to the API audiences (`--api-audiences`, or the issuer when unset). */
export function audienceAgnostic(inner: Authenticator, apiAudiences: readonly string[]): Authenticator {
  if (apiAudiences.length === 0) return inner;
  return {
    name: inner.name,
    async authenticate(req) {
      if (!req.audiences?.length) return inner.authenticate(req);
      const shared = req.audiences.filter((a) => apiAudiences.includes(a));
      if (shared.length === 0) return { kind: 'no-opinion' };
      const result = await inner.authenticate(req);
      return result.kind === 'authenticated' ? { ...result, audiences: shared } : result;
    },
  };
}
