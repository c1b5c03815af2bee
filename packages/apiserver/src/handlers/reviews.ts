// The create-only review kinds: TokenReview, SubjectAccessReview (and its Self/Local forms),
// SelfSubjectRulesReview and SelfSubjectReview. Nothing is stored; the answer is the request with `status`.
import { badRequest, clone, type KubeObject } from '@hubspoke/api';
import { rulesFor, type Attributes, type Authenticator, type Authorizer, type ObjectSource, type UserInfo } from '@hubspoke/auth';
import { fieldRequirements } from '../filters/authorization.ts';
import type { ApiRequest } from '../request/context.ts';

/** What the review handlers consult. */
export interface ReviewContext {
  tokenAuthenticator: Authenticator;
  authorizer: Authorizer;
  source: ObjectSource;
  rbacEnabled: boolean;
  apiAudiences: string[];
}

type Spec = Record<string, any>;

/** Answer a review `kind` posted by `req`; undefined when `resource` is not a review. */
export async function review(ctx: ReviewContext, req: ApiRequest, resource: string, body: KubeObject): Promise<KubeObject | undefined> {
  const out = clone(body);
  out.metadata = { ...(out.metadata ?? {}), creationTimestamp: null as unknown as string };
  const spec: Spec = (body.spec as Spec) ?? {};
  switch (resource) {
    case 'tokenreviews': {
      if (!spec.token) throw badRequest('spec.token: Required value');
      const audiences: string[] = spec.audiences?.length ? spec.audiences : ctx.apiAudiences;
      const result = await ctx.tokenAuthenticator.authenticate({ headers: { authorization: `Bearer ${spec.token}` }, audiences });
      if (result.kind === 'authenticated') {
        out.status = { authenticated: true, user: userJson(result.user), audiences: result.audiences ?? audiences };
      } else {
        out.status = { authenticated: false, user: {}, error: result.kind === 'rejected' ? result.reason : 'token not recognised' };
      }
      return out;
    }
    case 'subjectaccessreviews':
    case 'localsubjectaccessreviews': {
      const user: UserInfo = { name: spec.user ?? '', uid: spec.uid, groups: spec.groups ?? [], extra: spec.extra };
      if (resource === 'localsubjectaccessreviews') {
        const ns = spec.resourceAttributes?.namespace;
        if (ns !== req.info.namespace) {
          throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${req.info.namespace}`);
        }
      }
      out.status = await decide(ctx, user, spec);
      return out;
    }
    case 'selfsubjectaccessreviews':
      out.status = await decide(ctx, req.user!, spec);
      return out;
    case 'selfsubjectrulesreviews': {
      const namespace = spec.namespace ?? '';
      const rules = rulesFor(ctx.source, req.user!, namespace);
      out.status = { ...rules, incomplete: rules.incomplete || !ctx.rbacEnabled };
      return out;
    }
    case 'selfsubjectreviews':
      out.status = { userInfo: userJson(req.user!) };
      return out;
    default:
      return undefined;
  }
}

async function decide(ctx: ReviewContext, user: UserInfo, spec: Spec): Promise<Record<string, unknown>> {
  let attrs: Attributes;
  if (spec.resourceAttributes) {
    const r = spec.resourceAttributes;
    attrs = {
      user,
      verb: r.verb ?? '',
      isResourceRequest: true,
      apiGroup: r.group ?? '',
      apiVersion: r.version ?? '',
      resource: r.resource ?? '',
      subresource: r.subresource || undefined,
      namespace: r.namespace || undefined,
      name: r.name || undefined,
      fieldSelector: reviewFieldSelector(r.fieldSelector),
    };
  } else if (spec.nonResourceAttributes) {
    attrs = { user, verb: spec.nonResourceAttributes.verb ?? '', isResourceRequest: false, path: spec.nonResourceAttributes.path ?? '' };
  } else {
    throw badRequest('spec.resourceAttributes: Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
  }
  const d = await ctx.authorizer.authorize(attrs);
  const status: Record<string, unknown> = { allowed: d.kind === 'allow' };
  if (d.kind === 'deny') status.denied = true;
  if (d.reason) status.reason = d.reason;
  return status;
}

function userJson(user: UserInfo): Record<string, unknown> {
  return {
    username: user.name,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: user.groups,
    ...(user.extra && Object.keys(user.extra).length ? { extra: user.extra } : {}),
  };
}

/**
 * `resourceAttributes.fieldSelector` (authorization.k8s.io/v1, 1.31+): `rawSelector` text or `requirements`
 * of {key, operator In|NotIn|Exists|DoesNotExist, values}; only single-valued In/NotIn become requirements.
 */
function reviewFieldSelector(selector: { rawSelector?: string; requirements?: { key?: string; operator?: string; values?: string[] }[] } | undefined): Attributes['fieldSelector'] {
  if (!selector) return undefined;
  if (selector.rawSelector) return fieldRequirements(selector.rawSelector);
  const out: { field: string; operator: '=' | '!='; value: string }[] = [];
  for (const r of selector.requirements ?? []) {
    if ((r.operator === 'In' || r.operator === 'NotIn') && r.key && r.values?.length === 1) {
      out.push({ field: r.key, operator: r.operator === 'In' ? '=' : '!=', value: r.values[0] });
    }
  }
  return out.length ? out : undefined;
}
