// `--authorization-mode=Node,RBAC`: authorizers asked in order, after k8s.io/apiserver's authorization/union.
import type { Authorizer, Decision } from './types.ts';

/**
 * Asks `list` in order: the first allow or deny is the answer; if every member has no opinion, so does the
 * union, with the members' reasons joined for the Forbidden message. A union of one is that member.
 */
export function unionAuthorizer(list: Authorizer[]): Authorizer {
  if (list.length === 1) return list[0];
  const members = [...list];
  return {
    name: members.map((m) => m.name).join(','),
    async authorize(attrs): Promise<Decision> {
      const reasons: string[] = [];
      for (const member of members) {
        const decision = await member.authorize(attrs);
        if (decision.kind !== 'no-opinion') return decision;
        if (decision.reason) reasons.push(decision.reason);
      }
      return reasons.length > 0 ? { kind: 'no-opinion', reason: reasons.join('\n') } : { kind: 'no-opinion' };
    },
  };
}
