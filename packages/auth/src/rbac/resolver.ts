// Which PolicyRules apply to a user in a namespace (rbac/validation DefaultRuleResolver): ClusterRoleBindings
// first, then the namespace's RoleBindings, each contributing the rules of the role it references.
//
// Aggregated ClusterRoles (`aggregationRule.clusterRoleSelectors`) are resolved here, at read time, to the
// rules of every ClusterRole whose labels match, recursively; Kubernetes' clusterrole-aggregation controller
// would have written the same union into `rules`, so a role's own `rules` are ignored once it aggregates.
import type { KubeObject } from '@hubspoke/api';
import type { ObjectSource } from '../authz/types.ts';
import type { UserInfo } from '../user.ts';
import { serviceAccountUsername } from '../serviceaccount/names.ts';
import { RbacResources, type AggregationRule, type LabelSelector, type PolicyRule, type RoleRef, type Subject } from './types.ts';

/**
 * Called with each applicable rule and where it came from (`ClusterRoleBinding "b" of ClusterRole "r" to
 * Group "g"`), or with an error met while resolving; returning false stops the walk.
 */
export type RuleVisitor = (visit: { source: string; rule: PolicyRule } | { error: string }) => boolean;

/** Walks every rule that applies to `user` in `namespace` (cluster-wide rules only when it is empty). */
export function visitRulesFor(source: ObjectSource, user: UserInfo, namespace: string | undefined, visitor: RuleVisitor): void {
  for (const binding of source.list(RbacResources.clusterRoleBindings)) {
    const subject = firstApplyingSubject(user, subjectsOf(binding), '');
    if (!subject) continue;
    const roleRef = roleRefOf(binding);
    const rules = roleRefRules(source, roleRef, '');
    if ('error' in rules) {
      if (!visitor({ error: rules.error })) return;
      continue;
    }
    const described = `ClusterRoleBinding ${q(binding.metadata.name ?? '')} of ${roleRef.kind} ${q(roleRef.name)} to ${describeSubject(subject, '')}`;
    for (const rule of rules.rules) if (!visitor({ source: described, rule })) return;
  }

  if (!namespace) return;
  for (const binding of source.list(RbacResources.roleBindings, namespace)) {
    const subject = firstApplyingSubject(user, subjectsOf(binding), namespace);
    if (!subject) continue;
    const roleRef = roleRefOf(binding);
    const rules = roleRefRules(source, roleRef, namespace);
    if ('error' in rules) {
      if (!visitor({ error: rules.error })) return;
      continue;
    }
    const name = `${binding.metadata.name ?? ''}/${binding.metadata.namespace ?? namespace}`;
    const described = `RoleBinding ${q(name)} of ${roleRef.kind} ${q(roleRef.name)} to ${describeSubject(subject, namespace)}`;
    for (const rule of rules.rules) if (!visitor({ source: described, rule })) return;
  }
}

/** The rules a binding's roleRef grants: a Role in `namespace` or a ClusterRole. */
export function roleRefRules(source: ObjectSource, roleRef: RoleRef, namespace: string): { rules: PolicyRule[] } | { error: string } {
  if (roleRef.kind === 'Role') {
    const role = namespace ? source.get(RbacResources.roles, namespace, roleRef.name) : undefined;
    if (!role) return { error: `role.rbac.authorization.k8s.io ${q(roleRef.name)} not found` };
    return { rules: rulesOf(role) };
  }
  if (roleRef.kind === 'ClusterRole') {
    const role = source.get(RbacResources.clusterRoles, undefined, roleRef.name);
    if (!role) return { error: `clusterrole.rbac.authorization.k8s.io ${q(roleRef.name)} not found` };
    return { rules: clusterRoleRules(source, role) };
  }
  return { error: `unsupported role reference kind: ${q(roleRef.kind)}` };
}

/** A ClusterRole's effective rules, with aggregation resolved. */
export function clusterRoleRules(source: ObjectSource, role: KubeObject, visiting = new Set<string>()): PolicyRule[] {
  const aggregation = role['aggregationRule'] as AggregationRule | undefined;
  if (!aggregation) return rulesOf(role);
  const name = role.metadata.name ?? '';
  visiting.add(name);
  const seen = new Set<string>();
  const rules: PolicyRule[] = [];
  for (const other of source.list(RbacResources.clusterRoles)) {
    const otherName = other.metadata.name ?? '';
    if (visiting.has(otherName)) continue;
    const labels = other.metadata.labels ?? {};
    if (!(aggregation.clusterRoleSelectors ?? []).some((s) => selectorMatches(s, labels))) continue;
    for (const rule of clusterRoleRules(source, other, visiting)) {
      const key = JSON.stringify(rule);
      if (!seen.has(key)) {
        seen.add(key);
        rules.push(rule);
      }
    }
  }
  visiting.delete(name);
  return rules;
}

/** True when `subject` names `user`; ServiceAccount subjects default to `namespace` (the binding's). */
export function subjectApplies(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const saNamespace = subject.namespace || namespace;
      return saNamespace !== '' && user.name === serviceAccountUsername(saNamespace, subject.name);
    }
    default:
      return false;
  }
}

function firstApplyingSubject(user: UserInfo, subjects: Subject[], namespace: string): Subject | undefined {
  return subjects.find((s) => subjectApplies(user, s, namespace));
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `${subject.kind} ${q(`${subject.name}/${subject.namespace || bindingNamespace}`)}`;
  return `${subject.kind} ${q(subject.name)}`;
}

function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    if (operator === 'In' && !(has && values.includes(labels[key]))) return false;
    if (operator === 'NotIn' && has && values.includes(labels[key])) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator)) return false;
  }
  return true;
}

function rulesOf(role: KubeObject): PolicyRule[] {
  return Array.isArray(role['rules']) ? (role['rules'] as PolicyRule[]) : [];
}

function subjectsOf(binding: KubeObject): Subject[] {
  return Array.isArray(binding['subjects']) ? (binding['subjects'] as Subject[]) : [];
}

function roleRefOf(binding: KubeObject): RoleRef {
  return (binding['roleRef'] as RoleRef | undefined) ?? { apiGroup: '', kind: '', name: '' };
}

function q(text: string): string {
  return JSON.stringify(text);
}
