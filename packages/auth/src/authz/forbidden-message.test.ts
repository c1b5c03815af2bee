import { describe, it, expect } from 'vitest';
import { forbiddenError, forbiddenMessage } from './forbidden-message.ts';
import type { Attributes } from './types.ts';

const user = { name: 'system:serviceaccount:default:app', groups: [] };
const pods: Attributes = { user, verb: 'get', isResourceRequest: true, apiGroup: '', apiVersion: 'v1', resource: 'pods', namespace: 'ns', name: 'x' };

describe('forbiddenMessage', () => {
  it('names the object, user, verb, resource, group and namespace', () => {
    expect(forbiddenMessage(pods)).toBe(
      'pods "x" is forbidden: User "system:serviceaccount:default:app" cannot get resource "pods" in API group "" in the namespace "ns"',
    );
  });

  it('omits the name for collections and includes subresources', () => {
    expect(forbiddenMessage({ ...pods, verb: 'list', name: undefined })).toBe(
      'pods is forbidden: User "system:serviceaccount:default:app" cannot list resource "pods" in API group "" in the namespace "ns"',
    );
    expect(forbiddenMessage({ ...pods, verb: 'create', subresource: 'exec' })).toContain('cannot create resource "pods/exec" in API group ""');
  });

  it('qualifies grouped resources and says "at the cluster scope" without a namespace', () => {
    expect(
      forbiddenMessage({ user, verb: 'list', isResourceRequest: true, apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles' }),
    ).toBe(
      'clusterroles.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:default:app" cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope',
    );
  });

  it('appends the authorizer reason after a colon', () => {
    expect(forbiddenMessage({ ...pods, resource: 'secrets', name: 's' }, "no relationship found between node 'n1' and this object")).toBe(
      'secrets "s" is forbidden: User "system:serviceaccount:default:app" cannot get resource "secrets" in API group "" in the namespace "ns": no relationship found between node \'n1\' and this object',
    );
  });

  it('describes non-resource paths', () => {
    expect(forbiddenMessage({ user: { name: 'system:anonymous', groups: [] }, verb: 'get', isResourceRequest: false, path: '/foo' })).toBe(
      'forbidden: User "system:anonymous" cannot get path "/foo"',
    );
  });

  it('escapes what could read as HTML', () => {
    expect(forbiddenMessage({ user: { name: '<b>', groups: [] }, verb: 'get', isResourceRequest: false, path: '/a&b' })).toBe(
      'forbidden: User "&lt;b&gt;" cannot get path "/a&amp;b"',
    );
  });
});

describe('forbiddenError', () => {
  it('is a 403 Forbidden Status with the resource details', () => {
    const status = forbiddenError({ ...pods, apiGroup: 'apps', resource: 'deployments' }).toStatus();
    expect(status).toMatchObject({ code: 403, reason: 'Forbidden', details: { name: 'x', group: 'apps', kind: 'deployments' } });
    expect(status.message).toMatch(/^deployments\.apps "x" is forbidden: /);
  });
});
