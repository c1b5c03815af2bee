// The AuthorizePodWebsocketUpgradeCreatePermission feature gate (Kubernetes 1.35, kubernetes#133515): a
// WebSocket exec/attach/portforward arrives as GET and is authorized as `get`, while the same operation over
// SPDY is a POST authorized as `create`. With the gate on, the GET must also be allowed `create`, so policies
// that only grant `create pods/exec` keep meaning what they say.
import type { Authorizer } from '@hubspoke/auth';
import { attributesOf, authorize } from '../filters/authorization.ts';
import type { ApiRequest } from '../request/context.ts';

/** Throw 403 (naming verb `create`) unless `req` — already authorized for its own verb — may also create. */
export async function requireCreatePermission(req: ApiRequest, authorizer: Authorizer): Promise<void> {
  if (req.info.verb === 'create' || !req.user) return;
  await authorize(req, authorizer, { ...attributesOf(req.info, req.user), verb: 'create' });
}
