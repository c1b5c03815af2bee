import { describe, it, expect } from 'vitest';
import { unionAuthorizer } from './union.ts';
import type { Attributes, Authorizer, Decision } from './types.ts';

const fixed = (name: string, decision: Decision, calls?: string[]): Authorizer => ({
  name,
  authorize: () => {
    calls?.push(name);
    return decision;
  },
});
const attrs: Attributes = { user: { name: 'u', groups: [] }, verb: 'get', isResourceRequest: true, resource: 'pods', namespace: 'default' };

describe('unionAuthorizer', () => {
  it('falls through no-opinion to the first allow', async () => {
    const calls: string[] = [];
    const union = unionAuthorizer([fixed('Node', { kind: 'no-opinion' }, calls), fixed('RBAC', { kind: 'allow', reason: 'ok' }, calls)]);
    expect(await union.authorize(attrs)).toEqual({ kind: 'allow', reason: 'ok' });
    expect(calls).toEqual(['Node', 'RBAC']);
  });

  it('stops at the first deny', async () => {
    const calls: string[] = [];
    const union = unionAuthorizer([fixed('AlwaysDeny', { kind: 'deny' }, calls), fixed('AlwaysAllow', { kind: 'allow' }, calls)]);
    expect(await union.authorize(attrs)).toEqual({ kind: 'deny' });
    expect(calls).toEqual(['AlwaysDeny']);
  });

  it('has no opinion when nobody decides, joining the reasons given', async () => {
    const union = unionAuthorizer([
      fixed('Node', { kind: 'no-opinion', reason: "no relationship found between node 'n1' and this object" }),
      fixed('RBAC', { kind: 'no-opinion' }),
      fixed('Other', { kind: 'no-opinion', reason: 'second' }),
    ]);
    expect(await union.authorize(attrs)).toEqual({
      kind: 'no-opinion',
      reason: "no relationship found between node 'n1' and this object\nsecond",
    });
    expect(await unionAuthorizer([fixed('a', { kind: 'no-opinion' }), fixed('b', { kind: 'no-opinion' })]).authorize(attrs)).toEqual({
      kind: 'no-opinion',
    });
  });

  it('collapses a union of one to that member', () => {
    const only = fixed('RBAC', { kind: 'allow' });
    expect(unionAuthorizer([only])).toBe(only);
  });
});
