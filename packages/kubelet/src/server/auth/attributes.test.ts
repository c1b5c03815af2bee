import { describe, expect, it } from 'vitest';
import { isCommandPath, kubeletRequestAttributes, verbForMethod } from './attributes.ts';

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

describe('KubeletWebsocketUpgradeCreatePermission', () => {
  const verb = (method: string, path: string, commandsNeedCreate?: boolean) =>
    kubeletRequestAttributes(alice, { method, path }, 'n', { commandsNeedCreate }).verb;

  it('leaves a WebSocket exec (a GET) authorized as get when off, as Kubernetes does', () => {
    expect(verb('GET', '/exec/ns/p/c')).toBe('get');
    expect(verb('GET', '/exec/ns/p/c', false)).toBe('get');
  });

  it('authorizes exec, attach, run and portForward as create for every method when on', () => {
    for (const path of ['/exec/ns/p/c', '/attach/ns/p/c', '/run/ns/p/c', '/portForward/ns/p', '/exec/ns/uid/p/c']) {
      expect(verb('GET', path, true), path).toBe('create');
      expect(verb('POST', path, true), path).toBe('create');
    }
  });

  it('changes nothing else: reads stay get, and look-alike paths are not commands', () => {
    expect(verb('GET', '/pods', true)).toBe('get');
    expect(verb('GET', '/containerLogs/ns/p/c', true)).toBe('get');
    expect(isCommandPath('/executor')).toBe(false);
    expect(isCommandPath('/runningpods/')).toBe(false);
    expect(isCommandPath('/exec')).toBe(true);
  });
});
