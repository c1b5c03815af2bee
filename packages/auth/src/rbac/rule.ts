// Whether one PolicyRule covers a request (plugin/pkg/auth/authorizer/rbac RuleAllows), shared by RBAC and by
// the Node authorizer's static rules.
import type { Attributes } from '../authz/types.ts';
import type { PolicyRule } from './types.ts';

/** True when `rule` grants the request described by `attrs`. */
export function ruleAllows(attrs: Attributes, rule: PolicyRule): boolean {
  if (!matchesWithStar(rule.verbs, attrs.verb)) return false;
  if (!attrs.isResourceRequest) return nonResourceURLMatches(rule.nonResourceURLs ?? [], attrs.path ?? '');

  const resource = attrs.resource ?? '';
  const subresource = attrs.subresource ?? '';
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (
    matchesWithStar(rule.apiGroups ?? [], attrs.apiGroup ?? '') &&
    resourceMatches(rule.resources ?? [], combined, subresource) &&
    resourceNameMatches(rule.resourceNames ?? [], attrs.name ?? '')
  );
}

/** True when any of `rules` grants the request. */
export function rulesAllow(attrs: Attributes, rules: PolicyRule[]): boolean {
  return rules.some((rule) => ruleAllows(attrs, rule));
}

function matchesWithStar(allowed: string[], requested: string): boolean {
  return allowed.some((a) => a === '*' || a === requested);
}

// `pods/log` names one subresource; `*/scale` names that subresource of every resource.
function resourceMatches(allowed: string[], combined: string, subresource: string): boolean {
  return allowed.some(
    (r) => r === '*' || r === combined || (subresource !== '' && r.length === subresource.length + 2 && r === `*/${subresource}`),
  );
}

// A rule without resourceNames covers every name, including requests that carry none (list, create).
function resourceNameMatches(allowed: string[], name: string): boolean {
  return allowed.length === 0 || allowed.includes(name);
}

// Exact paths, `*`, or a prefix ending in `*` (`/apis/*` covers `/apis/apps/v1`).
function nonResourceURLMatches(allowed: string[], path: string): boolean {
  return allowed.some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
}
