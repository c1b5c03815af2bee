import { describe, it, expect } from 'vitest';
import { ruleAllows } from './rule.ts';
import type { Attributes } from '../authz/types.ts';

const user = { name: 'u', groups: [] };
const resource = (over: Partial<Attributes>): Attributes => ({ user, verb: 'get', isResourceRequest: true, apiGroup: '', resource: 'pods', ...over });
const path = (p: string, verb = 'get'): Attributes => ({ user, verb, isResourceRequest: false, path: p });

describe('ruleAllows', () => {
  it('matches verbs, groups and resources, with * for each', () => {
    expect(ruleAllows(resource({}), { verbs: ['get'], apiGroups: [''], resources: ['pods'] })).toBe(true);
    expect(ruleAllows(resource({ verb: 'delete' }), { verbs: ['get'], apiGroups: [''], resources: ['pods'] })).toBe(false);
    expect(ruleAllows(resource({ apiGroup: 'apps', resource: 'deployments' }), { verbs: ['*'], apiGroups: ['*'], resources: ['*'] })).toBe(true);
    expect(ruleAllows(resource({ apiGroup: 'apps' }), { verbs: ['get'], apiGroups: [''], resources: ['pods'] })).toBe(false);
  });

  it('treats a subresource as resource/subresource, and */sub as that subresource anywhere', () => {
    const log = resource({ subresource: 'log' });
    expect(ruleAllows(log, { verbs: ['get'], apiGroups: [''], resources: ['pods'] })).toBe(false);
    expect(ruleAllows(log, { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] })).toBe(true);
    const scale = resource({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale', verb: 'update' });
    expect(ruleAllows(scale, { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] })).toBe(true);
    expect(ruleAllows(scale, { verbs: ['update'], apiGroups: ['apps'], resources: ['*/status'] })).toBe(false);
  });

  it('limits to resourceNames when given, which a nameless request never matches', () => {
    const rule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] };
    expect(ruleAllows(resource({ resource: 'configmaps', name: 'settings' }), rule)).toBe(true);
    expect(ruleAllows(resource({ resource: 'configmaps', name: 'other' }), rule)).toBe(false);
    expect(ruleAllows(resource({ resource: 'configmaps', verb: 'list' }), rule)).toBe(false);
  });

  it('matches non-resource URLs exactly or by a trailing * prefix', () => {
    const rule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
    expect(ruleAllows(path('/healthz'), rule)).toBe(true);
    expect(ruleAllows(path('/healthz/etcd'), rule)).toBe(false);
    expect(ruleAllows(path('/apis/apps/v1'), rule)).toBe(true);
    expect(ruleAllows(path('/apis'), rule)).toBe(false);
    expect(ruleAllows(path('/healthz', 'post'), rule)).toBe(false);
  });

  it('never lets a resource rule grant a path or a path rule grant a resource', () => {
    expect(ruleAllows(path('/pods'), { verbs: ['*'], apiGroups: ['*'], resources: ['*'] })).toBe(false);
    expect(ruleAllows(resource({}), { verbs: ['*'], nonResourceURLs: ['*'] })).toBe(false);
  });
});
