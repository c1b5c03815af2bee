import { describe, expect, it } from 'vitest';
import { kubeletRequestAttributes, verbForMethod } from './attributes.ts';

const alice = { name: 'alice', groups: ['system:authenticated'] };

describe('kubelet request attributes', () => {
  it('maps methods to verbs as the kubelet does, leaving HEAD and OPTIONS without one', () => {
    expect(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map(verbForMethod)).toEqual([
      'get',
      'create',
      'update',
      'patch',
      'delete',
      '',
      '',
    ]);
  });

  it('authorizes against the nodes resource named after this node in the core group', () => {
    expect(kubeletRequestAttributes(alice, { method: 'POST', path: '/exec/ns/p/c' }, 'node-a')).toEqual({
      user: alice,
      verb: 'create',
      isResourceRequest: true,
      apiGroup: '',
      apiVersion: 'v1',
      resource: 'nodes',
      subresource: 'proxy',
      name: 'node-a',
      path: '/exec/ns/p/c',
    });
  });

  it('picks the subresource from the path prefix', () => {
    const sub = (path: string) => kubeletRequestAttributes(alice, { method: 'GET', path }, 'n').subresource;
    expect(sub('/stats/summary')).toBe('stats');
    expect(sub('/metrics/cadvisor')).toBe('metrics');
    expect(sub('/logs/')).toBe('log');
    expect(sub('/healthz')).toBe('proxy');
    expect(sub('/pods')).toBe('proxy');
    expect(sub('/no-such-path')).toBe('proxy');
  });
});
