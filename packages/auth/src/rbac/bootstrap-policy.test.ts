import { describe, it, expect } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { defaultClusterRoleBindings, defaultClusterRoles } from './bootstrap-policy.ts';
import { rbacAuthorizer } from '../authz/rbac.ts';
import type { Attributes, ObjectSource } from '../authz/types.ts';
import type { UserInfo } from '../user.ts';

const G = 'rbac.authorization.k8s.io';

function sourceWith(extra: { resource: string; object: KubeObject }[] = []): ObjectSource {
  const entries = [
    ...defaultClusterRoles().map((object) => ({ resource: `clusterroles.${G}`, object })),
    ...defaultClusterRoleBindings().map((object) => ({ resource: `clusterrolebindings.${G}`, object })),
    ...extra,
  ];
  return {
    get: (resource, namespace, name) =>
      entries.find((e) => e.resource === resource && e.object.metadata.namespace === namespace && e.object.metadata.name === name)?.object,
    list: (resource, namespace) =>
      entries.filter((e) => e.resource === resource && (namespace === undefined || e.object.metadata.namespace === namespace)).map((e) => e.object),
  };
}

const authenticated = (name: string, groups: string[] = []): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });
const anonymous: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
const res = (user: UserInfo, verb: string, resource: string, over: Partial<Attributes> = {}): Attributes => ({
  user,
  verb,
  isResourceRequest: true,
  apiGroup: '',
  resource,
  ...over,
});
const path = (user: UserInfo, p: string): Attributes => ({ user, verb: 'get', isResourceRequest: false, path: p });

describe('default RBAC policy', () => {
  const authz = rbacAuthorizer(sourceWith());
  const allowed = (a: Attributes) => authz.authorize(a).kind === 'allow';

  it('labels and annotates every role and binding as bootstrap defaults', () => {
    for (const obj of [...defaultClusterRoles(), ...defaultClusterRoleBindings()]) {
      expect(obj.metadata.labels?.['kubernetes.io/bootstrapping']).toBe('rbac-defaults');
      expect(obj.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate']).toBe('true');
      expect(obj.apiVersion).toBe(`${G}/v1`);
    }
  });

  it('binds every ClusterRoleBinding to a ClusterRole that exists', () => {
    const names = new Set(defaultClusterRoles().map((r) => r.metadata.name));
    for (const b of defaultClusterRoleBindings()) expect(names).toContain((b['roleRef'] as { name: string }).name);
  });

  it('gives system:masters everything through cluster-admin', () => {
    expect(authz.authorize(res(authenticated('admin', ['system:masters']), 'delete', 'nodes', { name: 'n1' }))).toEqual({
      kind: 'allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
    });
    expect(allowed(path(authenticated('admin', ['system:masters']), '/metrics'))).toBe(true);
  });

  it('lets any authenticated user discover the API and review its own access', () => {
    const user = authenticated('alice');
    expect(allowed(path(user, '/api/v1'))).toBe(true);
    expect(allowed(path(user, '/apis/apps/v1'))).toBe(true);
    expect(allowed(res(user, 'create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io' }))).toBe(true);
    expect(allowed(res(user, 'list', 'pods', { namespace: 'default' }))).toBe(false);
  });

  it('shows anonymous users only health and version', () => {
    expect(allowed(path(anonymous, '/healthz'))).toBe(true);
    expect(allowed(path(anonymous, '/version'))).toBe(true);
    expect(allowed(path(anonymous, '/api'))).toBe(false);
    expect(allowed(res(anonymous, 'get', 'namespaces', { name: 'default' }))).toBe(false);
  });

  it('lets kube-proxy watch services and endpointslices, and ServiceAccounts read the JWKS', () => {
    const proxy = authenticated('system:kube-proxy');
    expect(allowed(res(proxy, 'watch', 'services'))).toBe(true);
    expect(allowed(res(proxy, 'list', 'endpointslices', { apiGroup: 'discovery.k8s.io' }))).toBe(true);
    expect(allowed(res(proxy, 'list', 'secrets'))).toBe(false);
    const sa = authenticated('system:serviceaccount:default:default', ['system:serviceaccounts', 'system:serviceaccounts:default']);
    expect(allowed(path(sa, '/openid/v1/jwks'))).toBe(true);
  });

  it('resolves the aggregated view, edit and admin roles from the system:aggregate-to-* roles', () => {
    const bind = (name: string, role: string) => ({
      resource: `rolebindings.${G}`,
      object: { metadata: { name, namespace: 'team' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: role }, subjects: [{ kind: 'User', name }] },
    });
    const team = rbacAuthorizer(sourceWith([bind('viewer', 'view'), bind('editor', 'edit'), bind('boss', 'admin')]));
    const can = (user: string, verb: string, resource: string, over: Partial<Attributes> = {}) =>
      team.authorize(res(authenticated(user), verb, resource, { namespace: 'team', ...over })).kind === 'allow';

    expect(can('viewer', 'get', 'pods')).toBe(true);
    expect(can('viewer', 'get', 'pods', { subresource: 'log' })).toBe(true);
    expect(can('viewer', 'get', 'secrets')).toBe(false);
    expect(can('viewer', 'create', 'pods')).toBe(false);

    expect(can('editor', 'get', 'secrets')).toBe(true);
    expect(can('editor', 'create', 'pods', { subresource: 'exec' })).toBe(true);
    expect(can('editor', 'list', 'pods')).toBe(true);
    expect(can('editor', 'create', 'rolebindings', { apiGroup: G })).toBe(false);

    expect(can('boss', 'create', 'rolebindings', { apiGroup: G })).toBe(true);
    expect(can('boss', 'delete', 'deployments', { apiGroup: 'apps' })).toBe(true);
    expect(can('boss', 'delete', 'deployments', { apiGroup: 'apps', namespace: 'elsewhere' })).toBe(false);
  });

  it('lets bootstrapping nodes file CSRs only through system:node-bootstrapper once bound', () => {
    const bootstrap = authenticated('system:bootstrap:abcdef', ['system:bootstrappers']);
    const csr = res(bootstrap, 'create', 'certificatesigningrequests', { apiGroup: 'certificates.k8s.io' });
    expect(allowed(csr)).toBe(false);
    const bound = rbacAuthorizer(
      sourceWith([
        {
          resource: `clusterrolebindings.${G}`,
          object: {
            metadata: { name: 'kubelet-bootstrap' },
            roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'system:node-bootstrapper' },
            subjects: [{ apiGroup: G, kind: 'Group', name: 'system:bootstrappers' }],
          },
        },
      ]),
    );
    expect(bound.authorize(csr).kind).toBe('allow');
  });
});
