// Kubernetes answers 401 to a bearer token that no token authenticator recognises, even with anonymous auth on
// (request/bearertoken). Token authenticators here say no-opinion for tokens that are not theirs, so the
// "nobody recognised it" verdict is made once, around the whole chain.
import { bearerToken, type Authenticator } from './types.ts';

/** The reason given for a bearer token no authenticator accepted. */
export const INVALID_BEARER_TOKEN = 'invalid bearer token';

/** `chain`, except that a request carrying an `Authorization: Bearer` token is never left at no-opinion. */
export function bearerTokenCatchAll(chain: Authenticator): Authenticator {
  return {
    name: chain.name,
    async authenticate(req) {
      const result = await chain.authenticate(req);
      if (result.kind === 'no-opinion' && bearerToken(req) !== undefined) {
        return { kind: 'rejected', reason: INVALID_BEARER_TOKEN };
      }
      return result;
    },
  };
}
