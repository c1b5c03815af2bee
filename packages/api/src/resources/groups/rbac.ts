// rbac.authorization.k8s.io/v1: Roles and ClusterRoles (printed by the default Name / Created At table, as
// Kubernetes does) and their bindings. Names are URL path segments (`system:node` is valid). A binding's
// roleRef can never change: swapping the role would silently regrant a different set of permissions.
import type { FieldError } from '../../errors.ts';
import { invalidValue, notSupported, required } from '../../errors.ts';
import type { KubeObject } from '../../meta.ts';
import type { ResourceDefinition, TablePrinter } from '../../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from '../columns.ts';
import { ageSince } from '../duration.ts';
import { arr, rec, str } from '../json.ts';
import {
  goStringSlice,
  invalidRendered,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  semanticEqual,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../validation/index.ts';
import { ALL_VERBS } from './verbs.ts';

/** The RBAC API group. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}

/** `ValidatePolicyRule`. */
function validateRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if ((rule.verbs ?? []).length === 0) errs.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) {
      errs.push(invalidRendered(`${path}.nonResourceURLs`, goStringSlice(urls), 'namespaced rules cannot apply to non-resource URLs'));
    }
    if ((rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0 || (rule.resourceNames ?? []).length > 0) {
      errs.push(
        invalidRendered(`${path}.nonResourceURLs`, goStringSlice(urls), 'rules cannot apply to both regular resources and non-resource URLs'),
      );
    }
    return errs;
  }
  if ((rule.apiGroups ?? []).length === 0) errs.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if ((rule.resources ?? []).length === 0) errs.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

function roleValidator(namespaced: boolean) {
  return (obj: KubeObject, old?: KubeObject): FieldError[] => {
    const errs = validateObjectMeta(obj.metadata, { namespaced, name: nameIsPathSegment });
    arr<PolicyRule>(obj, 'rules').forEach((r, i) => errs.push(...validateRule(r, namespaced, `rules[${i}]`)));
    if (old) errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    return errs;
  };
}

/** `ValidateRoleBindingSubject`. */
function validateSubject(s: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(`${path}.name`, ''));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const msg of nameIsDNSSubdomain(s.name, false)) errs.push(invalidValue(`${path}.name`, s.name, msg));
      if (s.apiGroup) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(`${path}.namespace`, ''));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

// Go prints the rejected roleRef with %#v of the internal type.
function renderRoleRef(ref: Record<string, unknown>): string {
  return `rbac.RoleRef{APIGroup:${JSON.stringify(str(ref, 'apiGroup'))}, Kind:${JSON.stringify(str(ref, 'kind'))}, Name:${JSON.stringify(str(ref, 'name'))}}`;
}

function bindingValidator(namespaced: boolean) {
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  return (obj: KubeObject, old?: KubeObject): FieldError[] => {
    const errs = validateObjectMeta(obj.metadata, { namespaced, name: nameIsPathSegment });
    const ref = rec(obj, 'roleRef');
    const apiGroup = str(ref, 'apiGroup');
    if (apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', apiGroup, [RBAC_GROUP]));
    const kind = str(ref, 'kind');
    if (!kinds.includes(kind)) errs.push(notSupported('roleRef.kind', kind, kinds));
    const name = str(ref, 'name');
    if (!name) errs.push(required('roleRef.name', ''));
    else for (const msg of nameIsPathSegment(name, false)) errs.push(invalidValue('roleRef.name', name, msg));
    arr<Subject>(obj, 'subjects').forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
    if (old) {
      errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
      const oldRef = rec(old, 'roleRef');
      const same = ['apiGroup', 'kind', 'name'].every((k) => semanticEqual(str(ref, k), str(oldRef, k)));
      if (!same) errs.push(invalidRendered('roleRef', renderRoleRef(ref), 'cannot change roleRef'));
    }
    return errs;
  };
}

/** v1 defaulting: roleRef and User/Group subjects belong to the RBAC group unless said otherwise. */
function defaultBinding(obj: KubeObject): void {
  const ref = obj.roleRef as Record<string, unknown> | undefined;
  if (ref && !ref.apiGroup) ref.apiGroup = RBAC_GROUP;
  for (const s of arr<Subject>(obj, 'subjects')) {
    if (s.apiGroup) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
  }
}

/** `rbac.SubjectsStrings`: users, groups and `namespace/name` service accounts of a binding. */
export function bindingSubjects(obj: KubeObject): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const s of arr<Subject>(obj, 'subjects')) {
    if (s.kind === 'User') out.users.push(s.name ?? '');
    else if (s.kind === 'Group') out.groups.push(s.name ?? '');
    else if (s.kind === 'ServiceAccount') out.serviceAccounts.push(`${s.namespace ?? ''}/${s.name ?? ''}`);
  }
  return out;
}

function bindingPrinter(what: 'roleBinding' | 'clusterRoleBinding'): TablePrinter {
  return {
    columns: [
      NAME_COLUMN,
      column('Role', { doc: what === 'roleBinding' ? 'RoleBinding.roleRef' : 'ClusterRoleBinding.roleRef' }),
      AGE_COLUMN,
      column('Users', `Users in the ${what}`, { priority: 1 }),
      column('Groups', `Groups in the ${what}`, { priority: 1 }),
      column('ServiceAccounts', `ServiceAccounts in the ${what}`, { priority: 1 }),
    ],
    cells(obj, now) {
      const s = bindingSubjects(obj);
      return [
        obj.metadata?.name ?? '',
        `${str(obj, 'roleRef', 'kind')}/${str(obj, 'roleRef', 'name')}`,
        ageSince(obj.metadata?.creationTimestamp, now),
        s.users.join(', '),
        s.groups.join(', '),
        s.serviceAccounts.join(', '),
      ];
    },
  };
}

const base = { group: RBAC_GROUP, version: 'v1', verbs: ALL_VERBS };

/** `roles.rbac.authorization.k8s.io`. */
export const roles: ResourceDefinition = {
  ...base,
  kind: 'Role',
  listKind: 'RoleList',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  validate: roleValidator(true),
};

/** `clusterroles.rbac.authorization.k8s.io`. */
export const clusterroles: ResourceDefinition = {
  ...base,
  kind: 'ClusterRole',
  listKind: 'ClusterRoleList',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  validate: roleValidator(false),
};

/** `rolebindings.rbac.authorization.k8s.io`. */
export const rolebindings: ResourceDefinition = {
  ...base,
  kind: 'RoleBinding',
  listKind: 'RoleBindingList',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  table: bindingPrinter('roleBinding'),
  defaults: defaultBinding,
  validate: bindingValidator(true),
};

/** `clusterrolebindings.rbac.authorization.k8s.io`. */
export const clusterrolebindings: ResourceDefinition = {
  ...base,
  kind: 'ClusterRoleBinding',
  listKind: 'ClusterRoleBindingList',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  table: bindingPrinter('clusterRoleBinding'),
  defaults: defaultBinding,
  validate: bindingValidator(false),
};

/** The RBAC group's resources. */
export const rbacDefinitions: ResourceDefinition[] = [clusterrolebindings, clusterroles, rolebindings, roles];
