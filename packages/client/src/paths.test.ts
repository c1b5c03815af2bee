import { describe, expect, it } from 'vitest';
import { resourcePath, withQuery } from './paths.ts';

describe('resourcePath', () => {
  it('puts core resources under /api/v1', () => {
    expect(resourcePath({ version: 'v1', resource: 'nodes', name: 'n1', subresource: 'status' })).toBe(
      '/api/v1/nodes/n1/status',
    );
  });

  it('puts grouped, namespaced resources under /apis/group/version/namespaces', () => {
    expect(
      resourcePath({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease' }),
    ).toBe('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases');
  });

  it('escapes names so a slash cannot change the path', () => {
    expect(resourcePath({ version: 'v1', resource: 'pods', namespace: 'a b', name: 'x/y' })).toBe(
      '/api/v1/namespaces/a%20b/pods/x%2Fy',
    );
  });

  it('rejects a subresource without a name', () => {
    expect(() => resourcePath({ version: 'v1', resource: 'pods', subresource: 'status' })).toThrow(/needs a name/);
  });
});

describe('withQuery', () => {
  it('encodes selectors and leaves out undefined values', () => {
    expect(withQuery('/api/v1/pods', { fieldSelector: 'spec.nodeName=n1', limit: undefined, watch: true })).toBe(
      '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1&watch=true',
    );
  });

  it('appends to an existing query string', () => {
    expect(withQuery('/api/v1/pods?pretty=1', { limit: 5 })).toBe('/api/v1/pods?pretty=1&limit=5');
  });

  it('returns the path unchanged when nothing is given', () => {
    expect(withQuery('/healthz', {})).toBe('/healthz');
  });
});
