import { describe, expect, it } from 'vitest';
import { invalid } from '../../errors.ts';
import type { KubeObject } from '../../meta.ts';
import { clusterrolebindings, clusterroles, rolebindings, roles } from './rbac.ts';

const now = new Date('2025-06-01T12:00:00Z');

function binding(roleRef: Record<string, string>, subjects: Record<string, string>[] = []): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'read-pods', namespace: 'default', creationTimestamp: '2025-06-01T11:00:00Z' },
    roleRef,
    subjects,
  };
}

function messages(errs: { field: string; message: string }[]): string[] {
  return errs.map((e) => `${e.field}: ${e.message}`);
}

describe('rbac roles', () => {
  it('accept colon names like system:node and check rules', () => {
    const role: KubeObject = { metadata: { name: 'system:node' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
    expect(clusterroles.validate!(role)).toEqual([]);
    const bad: KubeObject = { metadata: { name: 'r', namespace: 'default' }, rules: [{ verbs: [], nonResourceURLs: ['/metrics'] }] };
    expect(messages(roles.validate!(bad))).toEqual([
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[0].nonResourceURLs: Invalid value: []string{"/metrics"}: namespaced rules cannot apply to non-resource URLs',
    ]);
  });

  it('print with the default Name / Created At table', () => {
    expect(roles.table).toBeUndefined();
  });
});

describe('rbac bindings', () => {
  it('default apiGroups so kubectl-created bindings validate', () => {
    const b = binding({ kind: 'Role', name: 'pod-reader' }, [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default' }]);
    rolebindings.defaults!(b);
    expect(b.roleRef).toEqual({ kind: 'Role', name: 'pod-reader', apiGroup: 'rbac.authorization.k8s.io' });
    expect(b.subjects).toEqual([
      { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'default', namespace: 'default', apiGroup: '' },
    ]);
    expect(rolebindings.validate!(b)).toEqual([]);
  });

  it('require a roleRef name and a known kind', () => {
    const b = binding({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: '' });
    expect(messages(rolebindings.validate!(b))).toEqual([
      'roleRef.kind: Unsupported value: "Group": supported values: "Role", "ClusterRole"',
      'roleRef.name: Required value',
    ]);
  });

  it('never let roleRef change', () => {
    const old = binding({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' });
    const next = binding({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'b' });
    expect(invalid('RoleBinding', 'read-pods', rolebindings.validate!(next, old), 'rbac.authorization.k8s.io').message).toBe(
      'RoleBinding "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef',
    );
  });

  it('let a ClusterRoleBinding reference only ClusterRoles and require service account namespaces', () => {
    const b: KubeObject = {
      metadata: { name: 'x' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'sa' }],
    };
    expect(messages(clusterrolebindings.validate!(b))).toEqual([
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].namespace: Required value',
    ]);
  });

  it('print ROLE, AGE and, wide, users, groups and service accounts', () => {
    const b = binding({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, [
      { kind: 'User', name: 'jane' },
      { kind: 'User', name: 'joe' },
      { kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'build' },
    ]);
    expect(rolebindings.table!.cells(b, now)).toEqual(['read-pods', 'ClusterRole/view', '60m', 'jane, joe', 'devs', 'build/ci']);
    expect(rolebindings.table!.columns.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Role:0', 'Age:0', 'Users:1', 'Groups:1', 'ServiceAccounts:1',
    ]);
  });
});
