// The authorization filter: builds the attributes of a request and asks the authorizer chain; anything but
// an explicit allow is a 403 worded as the apiserver words it.
import { forbidden, parseFieldSelector, type FieldRequirement } from '@hubspoke/api';
import { forbiddenMessage, type Attributes, type Authorizer, type UserInfo } from '@hubspoke/auth';
import type { ApiRequest } from '../request/context.ts';
import type { RequestInfo } from '../request/request-info.ts';

/** The authorization attributes of a request. */
export function attributesOf(info: RequestInfo, user: UserInfo): Attributes {
  if (!info.isResourceRequest) return { user, verb: info.verb, isResourceRequest: false, path: info.path };
  return {
    user,
    verb: info.verb,
    isResourceRequest: true,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource || undefined,
    namespace: info.namespace || undefined,
    name: info.name || undefined,
    path: info.path,
    fieldSelector: fieldRequirements(info.query.get('fieldSelector')),
  };
}

/** The requirements of a field selector; undefined when there is none or it does not parse (as Kubernetes). */
export function fieldRequirements(text: string | null | undefined): FieldRequirement[] | undefined {
  if (!text) return undefined;
  try {
    return [...parseFieldSelector(text).requirements];
  } catch {
    return undefined;
  }
}

/** Authorize `req` (after authentication); throws 403 Forbidden. */
export async function authorize(req: ApiRequest, authorizer: Authorizer, attrs?: Attributes): Promise<void> {
  const a = attrs ?? attributesOf(req.info, req.user!);
  const decision = await authorizer.authorize(a);
  req.decision = { allowed: decision.kind === 'allow', reason: decision.reason ?? '' };
  if (decision.kind === 'allow') return;
  const details = a.isResourceRequest
    ? { name: a.name, group: a.apiGroup || undefined, kind: a.subresource ? `${a.resource}` : a.resource }
    : undefined;
  throw forbidden(forbiddenMessage(a, decision.reason || undefined), details);
}
