// `--authorization-mode=RBAC`: allow when some binding grants the request; otherwise no opinion, since RBAC
// only ever adds permissions. Also answers SelfSubjectRulesReview (`kubectl auth can-i --list`).
import type { Attributes, Authorizer, Decision, ObjectSource } from './types.ts';
import type { UserInfo } from '../user.ts';
import { ruleAllows } from '../rbac/rule.ts';
import { visitRulesFor } from '../rbac/resolver.ts';
import { joinReasons } from '../reasons.ts';

/** The RBAC authorizer over the Roles, ClusterRoles and bindings in `source`. */
export function rbacAuthorizer(source: ObjectSource): { authorize(attrs: Attributes): Decision } & Authorizer {
  return {
    name: 'RBAC',
    authorize(attrs: Attributes): Decision {
      let allowedBy: string | undefined;
      const errors: string[] = [];
      visitRulesFor(source, attrs.user, attrs.namespace, (visit) => {
        if ('error' in visit) {
          errors.push(visit.error);
          return true;
        }
        if (!ruleAllows(attrs, visit.rule)) return true;
        allowedBy = visit.source;
        return false;
      });
      if (allowedBy) return { kind: 'allow', reason: `RBAC: allowed by ${allowedBy}` };
      // Resolution errors (a binding to a missing role) explain a denial that would surprise its author.
      return errors.length > 0 ? { kind: 'no-opinion', reason: `RBAC: ${joinReasons(errors)}` } : { kind: 'no-opinion' };
    },
  };
}

/** `authorizationv1.ResourceRule`. */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** `authorizationv1.NonResourceRule`. */
export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

/** `SubjectRulesReviewStatus`: what RBAC lets `user` do in `namespace`. */
export interface RulesReview {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError?: string;
}

/** The rules RBAC grants `user` in `namespace`, in SelfSubjectRulesReview shape. */
export function rulesFor(source: ObjectSource, user: UserInfo, namespace: string): RulesReview {
  const review: RulesReview = { resourceRules: [], nonResourceRules: [], incomplete: false };
  const errors: string[] = [];
  visitRulesFor(source, user, namespace, (visit) => {
    if ('error' in visit) {
      errors.push(visit.error);
      return true;
    }
    const { rule } = visit;
    if (rule.resources?.length) {
      const r: ResourceRule = { verbs: [...rule.verbs] };
      if (rule.apiGroups?.length) r.apiGroups = [...rule.apiGroups];
      r.resources = [...rule.resources];
      if (rule.resourceNames?.length) r.resourceNames = [...rule.resourceNames];
      review.resourceRules.push(r);
    }
    if (rule.nonResourceURLs?.length) {
      review.nonResourceRules.push({ verbs: [...rule.verbs], nonResourceURLs: [...rule.nonResourceURLs] });
    }
    return true;
  });
  if (errors.length > 0) review.evaluationError = joinReasons(errors);
  return review;
}
