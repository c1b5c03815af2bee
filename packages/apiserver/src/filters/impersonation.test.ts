import { describe, expect, it } from 'vitest';
import { ApiError } from '@hubspoke/api';
import type { Attributes, Authorizer, UserInfo } from '@hubspoke/auth';
import { auditEvent } from '../audit/audit-log.ts';
import { withRequestInfo } from './chain.ts';
import { impersonate, impersonationTargets } from './impersonation.ts';

const alice: UserInfo = { name: 'alice', groups: ['admins', 'system:authenticated'] };

// Records every question and allows what `allow` accepts.
function recordingAuthorizer(allow: (a: Attributes) => boolean): Authorizer & { asked: Attributes[] } {
  const asked: Attributes[] = [];
  return {
    name: 'test',
    asked,
    authorize(a) {
      asked.push(a);
      return allow(a) ? { kind: 'allow' } : { kind: 'no-opinion' };
    },
  };
}

const allowAll = () => recordingAuthorizer(() => true);

function request(headers: Record<string, string | string[]>, user: UserInfo = alice) {
  const req = withRequestInfo({ method: 'GET', url: '/api/v1/namespaces/default/pods', headers, remoteAddress: '127.0.0.1' });
  req.user = user;
  return req;
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('impersonation', () => {
  it('leaves a request without Impersonate-* headers alone and asks the authorizer nothing', async () => {
    const authz = allowAll();
    const req = request({ accept: 'application/json' });
    await impersonate(req, authz);
    expect(req.user).toBe(alice);
    expect(req.authenticatedUser).toBeUndefined();
    expect(authz.asked).toEqual([]);
  });

  it('switches to the impersonated user, groups and uid, adding system:authenticated, and drops the headers', async () => {
    const authz = allowAll();
    const req = request({ 'impersonate-user': 'bob', 'impersonate-group': 'devs, ops', 'impersonate-uid': 'u-7', accept: 'application/json' });
    await impersonate(req, authz);
    expect(req.user).toEqual({ name: 'bob', uid: 'u-7', groups: ['devs', 'ops', 'system:authenticated'] });
    expect(req.authenticatedUser).toBe(alice);
    expect(Object.keys(req.headers)).toEqual(['accept']);
  });

  it('authorizes each attribute separately for the real user with verb impersonate', async () => {
    const authz = allowAll();
    await impersonate(request({ 'impersonate-user': 'bob', 'impersonate-group': 'devs', 'impersonate-uid': 'u-7', 'impersonate-extra-scopes': 'view' }), authz);
    const asked = authz.asked.map((a) => ({ user: a.user.name, verb: a.verb, group: a.apiGroup, resource: a.resource, sub: a.subresource, ns: a.namespace, name: a.name }));
    expect(asked).toEqual([
      { user: 'alice', verb: 'impersonate', group: '', resource: 'users', sub: undefined, ns: undefined, name: 'bob' },
      { user: 'alice', verb: 'impersonate', group: '', resource: 'groups', sub: undefined, ns: undefined, name: 'devs' },
      { user: 'alice', verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', sub: 'scopes', ns: undefined, name: 'view' },
      { user: 'alice', verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', sub: undefined, ns: undefined, name: 'u-7' },
    ]);
  });

  it('asks for serviceaccounts in the namespace for a ServiceAccount user and gives it the ServiceAccount groups', async () => {
    const authz = allowAll();
    const req = request({ 'impersonate-user': 'system:serviceaccount:kube-system:deployer' });
    await impersonate(req, authz);
    expect(authz.asked[0]).toMatchObject({ resource: 'serviceaccounts', apiGroup: '', namespace: 'kube-system', name: 'deployer' });
    expect(req.user).toEqual({
      name: 'system:serviceaccount:kube-system:deployer',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
    });
  });

  it('uses explicit groups instead of the ServiceAccount groups', async () => {
    const req = request({ 'impersonate-user': 'system:serviceaccount:default:x', 'impersonate-group': 'crew' });
    await impersonate(req, allowAll());
    expect(req.user?.groups).toEqual(['crew', 'system:authenticated']);
  });

  it('gives system:anonymous system:unauthenticated, and does not add system:authenticated next to it', async () => {
    const anon = request({ 'impersonate-user': 'system:anonymous' });
    await impersonate(anon, allowAll());
    expect(anon.user?.groups).toEqual(['system:unauthenticated']);
    const explicit = request({ 'impersonate-user': 'carol', 'impersonate-group': 'system:unauthenticated' });
    await impersonate(explicit, allowAll());
    expect(explicit.user?.groups).toEqual(['system:unauthenticated']);
  });

  it('percent-decodes and lower-cases extra keys and keeps repeated values', async () => {
    const authz = allowAll();
    const req = request({ 'impersonate-user': 'bob', 'Impersonate-Extra-Example.COM%2Fteam': ['a', 'b'] });
    await impersonate(req, authz);
    expect(req.user?.extra).toEqual({ 'example.com/team': ['a', 'b'] });
    expect(authz.asked.filter((a) => a.resource === 'userextras').map((a) => a.subresource)).toEqual(['example.com/team', 'example.com/team']);
  });

  it('answers 403 worded as Kubernetes words it when the real user may not impersonate the user', async () => {
    const authz = recordingAuthorizer(() => false);
    const req = request({ 'impersonate-user': 'bob' });
    const err = await rejection(impersonate(req, authz));
    expect(err.code).toBe(403);
    expect(err.message).toBe('users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    expect(req.user).toBe(alice);
    expect(req.decision).toEqual({ allowed: false, reason: '' });
  });

  it('stops at the first attribute denied, naming it', async () => {
    const authz = recordingAuthorizer((a) => a.resource !== 'groups');
    const err = await rejection(impersonate(request({ 'impersonate-user': 'bob', 'impersonate-group': 'system:masters' }), authz));
    expect(err.message).toBe('groups "system:masters" is forbidden: User "alice" cannot impersonate resource "groups" in API group "" at the cluster scope');
    const sa = await rejection(impersonate(request({ 'impersonate-user': 'system:serviceaccount:ns1:robot' }), recordingAuthorizer(() => false)));
    expect(sa.message).toBe('serviceaccounts "robot" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ns1"');
    const extra = await rejection(impersonate(request({ 'impersonate-user': 'bob', 'impersonate-extra-scopes': 'x' }), recordingAuthorizer((a) => a.resource === 'users')));
    expect(extra.message).toBe('userextras.authentication.k8s.io "x" is forbidden: User "alice" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope');
  });

  it('answers 400 with the requests printed as Kubernetes prints them when groups, extras or a uid come without a user', async () => {
    const err = await rejection(impersonate(request({ 'impersonate-group': 'devs' }), allowAll()));
    expect(err.code).toBe(400);
    expect(err.message).toBe('requested [{Group  devs    }] without impersonating a user');
    expect(() => impersonationTargets({ 'impersonate-uid': 'u1', 'impersonate-extra-k': 'v' })).toThrow(
      'requested [{UserExtra  v  authentication.k8s.io/v1  k} {UID  u1  authentication.k8s.io/v1  }] without impersonating a user',
    );
  });

  it('records the real user as user and the target as impersonatedUser in the audit event', async () => {
    const req = request({ 'impersonate-user': 'bob', 'impersonate-group': 'devs' });
    await impersonate(req, allowAll());
    const event = auditEvent(req, 'ResponseComplete', 200);
    expect(event.user).toEqual({ username: 'alice', groups: ['admins', 'system:authenticated'] });
    expect(event.impersonatedUser).toEqual({ username: 'bob', groups: ['devs', 'system:authenticated'] });
    expect(auditEvent(request({}), 'ResponseComplete', 200)).not.toHaveProperty('impersonatedUser');
  });
});
