// The AlwaysAllow and AlwaysDeny authorization modes.
import type { Authorizer, Decision } from './types.ts';

/** `--authorization-mode=AlwaysAllow`: every request is allowed. */
export function alwaysAllow(): { authorize(): Decision } & Authorizer {
  return { name: 'AlwaysAllow', authorize: () => ({ kind: 'allow' }) };
}

/** `--authorization-mode=AlwaysDeny`: every request is denied, without a reason, as Kubernetes does. */
export function alwaysDeny(): { authorize(): Decision } & Authorizer {
  return { name: 'AlwaysDeny', authorize: () => ({ kind: 'deny' }) };
}
