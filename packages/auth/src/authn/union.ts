// Composition of authenticators, after k8s.io/apiserver's request/union, anonymous and group packages. The
// apiserver's chain reads, from the outside in:
//   withAnonymous(authenticatedGroupAdded(bearerTokenCatchAll(unionAuthenticator('authn', [...]))), anonymousAuth)
import type { AuthnRequest, AuthnResult, Authenticator } from './types.ts';
import { Groups, Users, withAuthenticatedGroup, type UserInfo } from '../user.ts';
import { joinReasons } from '../reasons.ts';

/**
 * Tries `list` in order: the first `authenticated` wins; otherwise `rejected` (reasons joined) when any member
 * rejected; otherwise `no-opinion`. A rejection does not stop the walk, so one authenticator misreading
 * another's credential cannot lock its owner out. A union of one is that member.
 */
export function unionAuthenticator(name: string, list: Authenticator[]): Authenticator {
  if (list.length === 1) return list[0];
  const members = [...list];
  return {
    name,
    async authenticate(req) {
      const reasons: string[] = [];
      for (const member of members) {
        const result = await member.authenticate(req);
        if (result.kind === 'authenticated') return result;
        if (result.kind === 'rejected') reasons.push(result.reason);
      }
      if (reasons.length === 0) return { kind: 'no-opinion' };
      return { kind: 'rejected', reason: joinReasons(reasons) };
    },
  };
}

/** A fresh copy of the user an anonymous request runs as. */
export function anonymousUser(): UserInfo {
  return { name: Users.anonymous, groups: [Groups.unauthenticated] };
}

/**
 * `--anonymous-auth`: a request no authenticator recognised runs as `system:anonymous`. A credential that was
 * presented and rejected stays rejected (401): falling back to anonymous would let a bad token through as a
 * weaker but valid identity (Kubernetes' FailOnError union).
 */
export function withAnonymous(chain: Authenticator, enabled: boolean): Authenticator {
  if (!enabled) return chain;
  return {
    name: chain.name,
    async authenticate(req) {
      const result = await chain.authenticate(req);
      if (result.kind !== 'no-opinion') return result;
      return { kind: 'authenticated', user: anonymousUser() };
    },
  };
}

/** Adds `system:authenticated` to every user `authn` accepts (anonymous excepted). */
export function authenticatedGroupAdded(authn: Authenticator): Authenticator {
  return {
    name: authn.name,
    async authenticate(req: AuthnRequest): Promise<AuthnResult> {
      const result = await authn.authenticate(req);
      if (result.kind !== 'authenticated') return result;
      return { ...result, user: withAuthenticatedGroup(result.user) };
    },
  };
}
