import { describe, it, expect } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { rbacAuthorizer, rulesFor } from './rbac.ts';
import type { Attributes, ObjectSource } from './types.ts';
import type { PolicyRule, Subject } from '../rbac/types.ts';

const G = 'rbac.authorization.k8s.io';
type Stored = { resource: string; object: KubeObject };

function sourceOf(entries: Stored[]): ObjectSource {
  return {
    get: (resource, namespace, name) =>
      entries.find((e) => e.resource === resource && e.object.metadata.namespace === namespace && e.object.metadata.name === name)?.object,
    list: (resource, namespace) =>
      entries.filter((e) => e.resource === resource && (namespace === undefined || e.object.metadata.namespace === namespace)).map((e) => e.object),
  };
}

const clusterRole = (name: string, rules: PolicyRule[], extra: Partial<KubeObject> = {}): Stored => ({
  resource: `clusterroles.${G}`,
  object: { kind: 'ClusterRole', metadata: { name, ...(extra.metadata ?? {}) }, rules, ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}) },
});
const role = (namespace: string, name: string, rules: PolicyRule[]): Stored => ({
  resource: `roles.${G}`,
  object: { kind: 'Role', metadata: { name, namespace }, rules },
});
const clusterBinding = (name: string, roleName: string, subjects: Subject[]): Stored => ({
  resource: `clusterrolebindings.${G}`,
  object: { kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: roleName }, subjects },
});
const binding = (namespace: string, name: string, roleRef: { kind: string; name: string }, subjects: Subject[]): Stored => ({
  resource: `rolebindings.${G}`,
  object: { kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: G, ...roleRef }, subjects },
});

const podReader: PolicyRule = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'] };
const alice = { name: 'alice', groups: ['dev', 'system:authenticated'] };
const ask = (over: Partial<Attributes>): Attributes => ({
  user: alice,
  verb: 'get',
  isResourceRequest: true,
  apiGroup: '',
  resource: 'pods',
  namespace: 'team',
  name: 'web-0',
  ...over,
});

describe('rbacAuthorizer', () => {
  it('allows through a ClusterRoleBinding to a group, saying which binding', () => {
    const authz = rbacAuthorizer(sourceOf([clusterRole('pod-reader', [podReader]), clusterBinding('readers', 'pod-reader', [{ kind: 'Group', name: 'dev' }])]));
    expect(authz.authorize(ask({}))).toEqual({
      kind: 'allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "pod-reader" to Group "dev"',
    });
  });

  it('allows through a RoleBinding to a Role only in its namespace', () => {
    const authz = rbacAuthorizer(
      sourceOf([role('team', 'pod-reader', [podReader]), binding('team', 'alice-reads', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'User', name: 'alice' }])]),
    );
    expect(authz.authorize(ask({}))).toEqual({
      kind: 'allow',
      reason: 'RBAC: allowed by RoleBinding "alice-reads/team" of Role "pod-reader" to User "alice"',
    });
    expect(authz.authorize(ask({ namespace: 'other' }))).toEqual({ kind: 'no-opinion' });
    expect(authz.authorize(ask({ namespace: undefined, name: undefined, verb: 'list' }))).toEqual({ kind: 'no-opinion' });
  });

  it('lets a RoleBinding grant a ClusterRole within the binding namespace', () => {
    const authz = rbacAuthorizer(
      sourceOf([clusterRole('view-pods', [podReader]), binding('team', 'b', { kind: 'ClusterRole', name: 'view-pods' }, [{ kind: 'Group', name: 'dev' }])]),
    );
    expect(authz.authorize(ask({})).kind).toBe('allow');
    expect(authz.authorize(ask({ namespace: 'kube-system' })).kind).toBe('no-opinion');
  });

  it('matches ServiceAccount subjects, defaulting their namespace to the binding', () => {
    const sa = { name: 'system:serviceaccount:team:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:team'] };
    const authz = rbacAuthorizer(
      sourceOf([
        role('team', 'pod-reader', [podReader]),
        binding('team', 'builder-reads', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'ServiceAccount', name: 'builder' }]),
      ]),
    );
    expect(authz.authorize(ask({ user: sa }))).toEqual({
      kind: 'allow',
      reason: 'RBAC: allowed by RoleBinding "builder-reads/team" of Role "pod-reader" to ServiceAccount "builder/team"',
    });
    const otherNamespaceSA = { ...sa, name: 'system:serviceaccount:other:builder' };
    expect(authz.authorize(ask({ user: otherNamespaceSA })).kind).toBe('no-opinion');
  });

  it('needs an explicit namespace for ServiceAccount subjects of ClusterRoleBindings', () => {
    const sa = { name: 'system:serviceaccount:kube-system:dns', groups: [] };
    const without = rbacAuthorizer(sourceOf([clusterRole('r', [podReader]), clusterBinding('b', 'r', [{ kind: 'ServiceAccount', name: 'dns' }])]));
    expect(without.authorize(ask({ user: sa })).kind).toBe('no-opinion');
    const withNs = rbacAuthorizer(
      sourceOf([clusterRole('r', [podReader]), clusterBinding('b', 'r', [{ kind: 'ServiceAccount', name: 'dns', namespace: 'kube-system' }])]),
    );
    expect(withNs.authorize(ask({ user: sa }))).toEqual({
      kind: 'allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "r" to ServiceAccount "dns/kube-system"',
    });
  });

  it('restricts by resourceNames and distinguishes subresources', () => {
    const authz = rbacAuthorizer(
      sourceOf([
        clusterRole('one-pod-logs', [{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'], resourceNames: ['web-0'] }]),
        clusterBinding('b', 'one-pod-logs', [{ kind: 'User', name: 'alice' }]),
      ]),
    );
    expect(authz.authorize(ask({ subresource: 'log' })).kind).toBe('allow');
    expect(authz.authorize(ask({ subresource: 'log', name: 'web-1' })).kind).toBe('no-opinion');
    expect(authz.authorize(ask({})).kind).toBe('no-opinion');
    expect(authz.authorize(ask({ subresource: 'exec', verb: 'create' })).kind).toBe('no-opinion');
  });

  it('allows non-resource URLs with a trailing *', () => {
    const authz = rbacAuthorizer(
      sourceOf([clusterRole('disco', [{ verbs: ['get'], nonResourceURLs: ['/apis/*', '/version'] }]), clusterBinding('b', 'disco', [{ kind: 'Group', name: 'system:authenticated' }])]),
    );
    const path = (p: string): Attributes => ({ user: alice, verb: 'get', isResourceRequest: false, path: p });
    expect(authz.authorize(path('/apis/apps/v1')).kind).toBe('allow');
    expect(authz.authorize(path('/version')).kind).toBe('allow');
    expect(authz.authorize(path('/version/extra')).kind).toBe('no-opinion');
    expect(authz.authorize(path('/metrics')).kind).toBe('no-opinion');
  });

  it('has no opinion, never a denial, when nothing grants the request', () => {
    const authz = rbacAuthorizer(sourceOf([clusterRole('pod-reader', [podReader]), clusterBinding('b', 'pod-reader', [{ kind: 'User', name: 'bob' }])]));
    expect(authz.authorize(ask({}))).toEqual({ kind: 'no-opinion' });
    expect(authz.authorize(ask({ verb: 'delete' }))).toEqual({ kind: 'no-opinion' });
  });

  it('explains a binding to a role that does not exist', () => {
    const authz = rbacAuthorizer(sourceOf([clusterBinding('b', 'missing', [{ kind: 'Group', name: 'dev' }])]));
    expect(authz.authorize(ask({}))).toEqual({
      kind: 'no-opinion',
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found',
    });
  });

  it('reads aggregated ClusterRoles as the union of the roles their selectors match, transitively', () => {
    const authz = rbacAuthorizer(
      sourceOf([
        clusterRole('admin', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'to-admin': 'true' } }] } } as Partial<KubeObject>),
        clusterRole('edit', [], {
          metadata: { name: 'edit', labels: { 'to-admin': 'true' } },
          aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'to-edit', operator: 'Exists' }] }] },
        } as Partial<KubeObject>),
        clusterRole('crd-editor', [{ verbs: ['create'], apiGroups: ['example.com'], resources: ['widgets'] }], {
          metadata: { name: 'crd-editor', labels: { 'to-edit': 'yes' } },
        }),
        clusterBinding('b', 'admin', [{ kind: 'User', name: 'alice' }]),
      ]),
    );
    expect(authz.authorize(ask({ verb: 'create', apiGroup: 'example.com', resource: 'widgets', name: undefined }))).toEqual({
      kind: 'allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "admin" to User "alice"',
    });
  });
});

describe('rulesFor', () => {
  it('lists the resource and non-resource rules that apply in a namespace', () => {
    const source = sourceOf([
      clusterRole('disco', [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }]),
      clusterBinding('disco', 'disco', [{ kind: 'Group', name: 'system:authenticated' }]),
      role('team', 'cm', [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] }]),
      binding('team', 'cm', { kind: 'Role', name: 'cm' }, [{ kind: 'User', name: 'alice' }]),
      binding('team', 'broken', { kind: 'Role', name: 'gone' }, [{ kind: 'User', name: 'alice' }]),
    ]);
    expect(rulesFor(source, alice, 'team')).toEqual({
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }],
      incomplete: false,
      evaluationError: 'role.rbac.authorization.k8s.io "gone" not found',
    });
    expect(rulesFor(source, alice, 'other').resourceRules).toEqual([]);
  });
});
