import { describe, it, expect } from 'vitest';
import { alwaysAllow, alwaysDeny } from './always.ts';
import type { Attributes } from './types.ts';

const anonymous: Attributes = { user: { name: 'system:anonymous', groups: ['system:unauthenticated'] }, verb: 'delete', isResourceRequest: true, resource: 'nodes', name: 'n1' };

describe('alwaysAllow / alwaysDeny', () => {
  it('allows everything, even anonymous deletes', () => {
    expect(alwaysAllow().authorize(anonymous)).toEqual({ kind: 'allow' });
  });

  it('denies everything without a reason', () => {
    expect(alwaysDeny().authorize({ ...anonymous, user: { name: 'admin', groups: ['system:masters'] } })).toEqual({ kind: 'deny' });
  });
});
