import { describe, it, expect } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { nodeAuthorizer, nodeIdentity } from './node.ts';
import type { Attributes, Decision, ObjectSource } from './types.ts';

type Stored = { resource: string; object: KubeObject };

function sourceOf(entries: Stored[]): ObjectSource {
  return {
    get: (resource, namespace, name) =>
      entries.find((e) => e.resource === resource && e.object.metadata.namespace === namespace && e.object.metadata.name === name)?.object,
    list: (resource, namespace) =>
      entries.filter((e) => e.resource === resource && (namespace === undefined || e.object.metadata.namespace === namespace)).map((e) => e.object),
  };
}

const pod = (name: string, nodeName: string, spec: Record<string, unknown> = {}): Stored => ({
  resource: 'pods',
  object: { metadata: { name, namespace: 'team', uid: `${name}-uid` }, spec: { nodeName, containers: [{ name: 'c' }], ...spec } },
});

const source = sourceOf([
  pod('web-1', 'node-1', {
    serviceAccountName: 'web',
    volumes: [
      { name: 'tls', secret: { secretName: 'web-tls' } },
      { name: 'conf', configMap: { name: 'web-conf' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
    ],
  }),
  pod('db-2', 'node-2', { serviceAccountName: 'db', volumes: [{ name: 'pw', secret: { secretName: 'db-password' } }] }),
  { resource: 'persistentvolumeclaims', object: { metadata: { name: 'web-data', namespace: 'team' }, spec: { volumeName: 'pv-1' } } },
]);

const node1 = { name: 'system:node:node-1', groups: ['system:nodes', 'system:authenticated'] };
const authz = nodeAuthorizer(source);
const ask = (over: Partial<Attributes>): Decision =>
  authz.authorize({ user: node1, verb: 'get', isResourceRequest: true, apiGroup: '', namespace: 'team', ...over }) as Decision;
const NO_RELATIONSHIP = { kind: 'no-opinion', reason: "no relationship found between node 'node-1' and this object" };

describe('nodeIdentity', () => {
  it('recognises system:node:<name> in system:nodes only', () => {
    expect(nodeIdentity(node1)).toBe('node-1');
    expect(nodeIdentity({ name: 'system:node:node-1', groups: ['system:authenticated'] })).toBeUndefined();
    expect(nodeIdentity({ name: 'alice', groups: ['system:nodes'] })).toBeUndefined();
    expect(nodeIdentity({ name: 'system:node:', groups: ['system:nodes'] })).toBe('');
  });
});

describe('nodeAuthorizer', () => {
  it('has no opinion about users that are not nodes', () => {
    const alice = { name: 'alice', groups: ['system:authenticated'] };
    expect(authz.authorize({ user: alice, verb: 'get', isResourceRequest: true, resource: 'secrets', namespace: 'team', name: 'web-tls' })).toEqual({
      kind: 'no-opinion',
    });
  });

  it('lets node-1 read the secret of its own pod but not the secret of node-2\'s pod', () => {
    expect(ask({ resource: 'secrets', name: 'web-tls' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'secrets', verb: 'watch', name: 'web-tls' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'secrets', name: 'db-password' })).toEqual(NO_RELATIONSHIP);
    expect(ask({ resource: 'secrets', verb: 'update', name: 'web-tls' })).toEqual({ kind: 'no-opinion', reason: 'can only read resources of this type' });
    expect(ask({ resource: 'secrets', verb: 'list' })).toEqual({ kind: 'no-opinion', reason: 'No Object name found' });
  });

  it('follows configmaps, claims and bound volumes of its pods', () => {
    expect(ask({ resource: 'configmaps', name: 'web-conf' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'persistentvolumeclaims', name: 'web-data' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'persistentvolumeclaims', name: 'web-data', verb: 'list' }).kind).toBe('no-opinion');
    expect(ask({ resource: 'persistentvolumeclaims', name: 'web-data', subresource: 'status', verb: 'patch' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'persistentvolumes', namespace: undefined, name: 'pv-1' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'persistentvolumes', namespace: undefined, name: 'pv-9' })).toEqual(NO_RELATIONSHIP);
  });

  it('creates tokens only for ServiceAccounts of its pods', () => {
    expect(ask({ resource: 'serviceaccounts', subresource: 'token', verb: 'create', name: 'web' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'serviceaccounts', subresource: 'token', verb: 'create', name: 'db' })).toEqual(NO_RELATIONSHIP);
    expect(ask({ resource: 'serviceaccounts', verb: 'get', name: 'web' }).kind).toBe('no-opinion');
  });

  it('lets any node write any Node and its status (NodeRestriction narrows that), but read only its own', () => {
    const nodes = (over: Partial<Attributes>) => ask({ resource: 'nodes', namespace: undefined, ...over });
    expect(nodes({ verb: 'update', name: 'node-1' })).toEqual({ kind: 'allow' });
    expect(nodes({ verb: 'patch', name: 'node-1', subresource: 'status' })).toEqual({ kind: 'allow' });
    expect(nodes({ verb: 'create' })).toEqual({ kind: 'allow' });
    expect(nodes({ verb: 'update', name: 'node-2' })).toEqual({ kind: 'allow' });
    expect(nodes({ verb: 'patch', name: 'node-2', subresource: 'status' })).toEqual({ kind: 'allow' });
    expect(nodes({ verb: 'get', name: 'node-1' })).toEqual({ kind: 'allow' });
    expect(nodes({ verb: 'get', name: 'node-2' })).toEqual({ kind: 'no-opinion', reason: "node 'node-1' cannot read 'node-2', only its own Node object" });
    expect(nodes({ verb: 'list' })).toEqual({ kind: 'no-opinion', reason: "node 'node-1' cannot read all nodes, only its own Node object" });
    expect(nodes({ verb: 'delete', name: 'node-1' })).toEqual({ kind: 'no-opinion' });
    expect(nodes({ verb: 'get', name: 'node-1', subresource: 'status' })).toEqual({ kind: 'no-opinion' });
  });

  it('reads only its pods, and writes pods and pod status by name-less rules (NodeRestriction narrows those)', () => {
    expect(ask({ resource: 'pods', name: 'web-1' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'pods', name: 'db-2' })).toEqual(NO_RELATIONSHIP);
    const own = [{ field: 'spec.nodeName', operator: '=', value: 'node-1' }] as const;
    expect(ask({ resource: 'pods', verb: 'watch', namespace: undefined, fieldSelector: own })).toEqual({ kind: 'allow' });
    const refused = { kind: 'no-opinion', reason: 'can only list/watch pods with spec.nodeName field selector' };
    expect(ask({ resource: 'pods', verb: 'list', namespace: undefined })).toEqual(refused);
    expect(ask({ resource: 'pods', verb: 'list', fieldSelector: [{ field: 'spec.nodeName', operator: '=', value: 'node-2' }] })).toEqual(refused);
    expect(ask({ resource: 'pods', verb: 'watch', fieldSelector: [{ field: 'spec.nodeName', operator: '!=', value: 'node-1' }] })).toEqual(refused);
    expect(ask({ resource: 'pods', verb: 'patch', subresource: 'status', name: 'web-1' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'pods', verb: 'patch', subresource: 'status', name: 'db-2' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'pods', verb: 'delete', name: 'web-1' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'pods', verb: 'delete', name: 'db-2' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'pods', verb: 'create' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'pods', verb: 'create', subresource: 'eviction', name: 'db-2' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'pods', verb: 'update', name: 'web-1' })).toEqual({ kind: 'no-opinion' });
    expect(ask({ resource: 'pods', verb: 'create', subresource: 'exec', name: 'web-1' }).kind).toBe('no-opinion');
  });

  it('keeps to its own Lease in kube-node-lease', () => {
    const lease = (over: Partial<Attributes>) => ask({ apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', ...over });
    expect(lease({ verb: 'update', name: 'node-1' })).toEqual({ kind: 'allow' });
    expect(lease({ verb: 'create' })).toEqual({ kind: 'allow' });
    // A create names no object in the URL; the Lease's own name is NodeRestriction's to check.
    expect(lease({ verb: 'create', name: 'node-2' })).toEqual({ kind: 'allow' });
    expect(lease({ verb: 'update', name: 'node-2' })).toEqual({
      kind: 'no-opinion',
      reason: 'can only access node lease with the same name as the requesting node',
    });
    expect(lease({ verb: 'get', name: 'node-1', namespace: 'default' }).kind).toBe('no-opinion');
    expect(lease({ verb: 'list' }).kind).toBe('no-opinion');
  });

  it('applies the static system:node rules to everything else', () => {
    expect(ask({ resource: 'events', verb: 'create' })).toEqual({ kind: 'allow' });
    expect(ask({ apiGroup: 'authentication.k8s.io', resource: 'tokenreviews', verb: 'create', namespace: undefined })).toEqual({ kind: 'allow' });
    expect(ask({ apiGroup: 'authorization.k8s.io', resource: 'subjectaccessreviews', verb: 'create', namespace: undefined })).toEqual({ kind: 'allow' });
    for (const verb of ['create', 'get', 'list', 'watch']) {
      expect(ask({ apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb, namespace: undefined }).kind).toBe('allow');
    }
    expect(ask({ resource: 'services', verb: 'list' })).toEqual({ kind: 'allow' });
    expect(ask({ resource: 'namespaces', verb: 'delete', name: 'team' })).toEqual({ kind: 'no-opinion' });
    expect(ask({ apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', verb: 'create', namespace: undefined })).toEqual({
      kind: 'no-opinion',
    });
  });

  it('names an unidentifiable node', () => {
    const nameless = { name: 'system:node:', groups: ['system:nodes'] };
    expect(authz.authorize({ user: nameless, verb: 'get', isResourceRequest: true, resource: 'pods', namespace: 'team', name: 'web-1' })).toEqual({
      kind: 'no-opinion',
      reason: 'unknown node for user "system:node:"',
    });
  });
});
