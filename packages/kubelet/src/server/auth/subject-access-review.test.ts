import { describe, expect, it } from 'vitest';
import { ApiError } from '@hubspoke/api';
import type { Attributes } from '@hubspoke/auth';
import { SUBJECT_ACCESS_REVIEWS_PATH, subjectAccessReviewAuthorizer } from './subject-access-review.ts';

type Status = Record<string, unknown>;

function reviewingClient(answer: (spec: any) => Status | Error) {
  const calls: Array<{ path: string; body: any }> = [];
  return {
    calls,
    client: {
      async create<T>(path: string, body: unknown): Promise<T> {
        calls.push({ path, body });
        const status = answer((body as { spec: unknown }).spec);
        if (status instanceof Error) throw status;
        return { ...(body as object), status } as T;
      },
    },
  };
}

const attrs = (user: string, subresource = 'proxy'): Attributes => ({
  user: { name: user, uid: 'uid-1', groups: ['devs', 'system:authenticated'], extra: { scope: ['x'] } },
  verb: 'get',
  isResourceRequest: true,
  apiGroup: '',
  apiVersion: 'v1',
  resource: 'nodes',
  subresource,
  name: 'node-a',
  path: '/pods',
});

describe('SubjectAccessReview authorizer', () => {
  it('sends the user and the nodes attributes, leaving out empty fields as Go does', async () => {
    const { client, calls } = reviewingClient(() => ({ allowed: true }));
    expect(await subjectAccessReviewAuthorizer({ client }).authorize(attrs('alice'))).toEqual({ kind: 'allow' });
    expect(calls).toEqual([
      {
        path: SUBJECT_ACCESS_REVIEWS_PATH,
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          metadata: { creationTimestamp: null },
          spec: {
            resourceAttributes: { verb: 'get', version: 'v1', resource: 'nodes', subresource: 'proxy', name: 'node-a' },
            user: 'alice',
            groups: ['devs', 'system:authenticated'],
            extra: { scope: ['x'] },
            uid: 'uid-1',
          },
        },
      },
    ]);
  });

  it('turns denied into deny and neither into no-opinion, with the reason', async () => {
    const { client } = reviewingClient((spec) =>
      spec.user === 'mallory' ? { allowed: false, denied: true, reason: 'blocked' } : { allowed: false, reason: 'no RBAC rule' },
    );
    const authz = subjectAccessReviewAuthorizer({ client });
    expect(await authz.authorize(attrs('mallory'))).toEqual({ kind: 'deny', reason: 'blocked' });
    expect(await authz.authorize(attrs('bob'))).toEqual({ kind: 'no-opinion', reason: 'no RBAC rule' });
  });

  it('caches allowed answers for five minutes and the others for thirty seconds', async () => {
    let now = 0;
    const { client, calls } = reviewingClient((spec) => ({ allowed: spec.user === 'alice' }));
    const authz = subjectAccessReviewAuthorizer({ client, now: () => now });
    await authz.authorize(attrs('alice'));
    await authz.authorize(attrs('bob'));
    now = 29_999;
    await authz.authorize(attrs('alice'));
    await authz.authorize(attrs('bob'));
    expect(calls).toHaveLength(2);
    now = 30_000;
    await authz.authorize(attrs('alice'));
    await authz.authorize(attrs('bob'));
    expect(calls.map((c) => c.body.spec.user)).toEqual(['alice', 'bob', 'bob']);
    now = 300_000;
    await authz.authorize(attrs('alice'));
    expect(calls.map((c) => c.body.spec.user)).toEqual(['alice', 'bob', 'bob', 'alice']);
  });

  it('asks again for another subresource of the same node', async () => {
    const { client, calls } = reviewingClient(() => ({ allowed: true }));
    const authz = subjectAccessReviewAuthorizer({ client });
    await authz.authorize(attrs('alice', 'proxy'));
    await authz.authorize(attrs('alice', 'stats'));
    expect(calls.map((c) => c.body.spec.resourceAttributes.subresource)).toEqual(['proxy', 'stats']);
  });

  it('throws when the review cannot be made, and does not cache the failure', async () => {
    let answer: Status | Error = new ApiError(403, 'Forbidden', 'subjectaccessreviews.authorization.k8s.io is forbidden');
    const { client, calls } = reviewingClient(() => answer);
    const authz = subjectAccessReviewAuthorizer({ client });
    await expect(authz.authorize(attrs('alice'))).rejects.toThrow(/forbidden/);
    answer = { allowed: true };
    expect(await authz.authorize(attrs('alice'))).toEqual({ kind: 'allow' });
    expect(calls).toHaveLength(2);
  });
});
