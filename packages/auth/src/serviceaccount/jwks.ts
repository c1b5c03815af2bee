// The JSON Web Key Set served at `/openid/v1/jwks` (content type `application/jwk-set+json`), so that relying
// parties can verify ServiceAccount tokens without asking the apiserver.
import type { JsonWebKey } from 'node:crypto';
import { keyId, loadPublicKeys, signingAlgorithm } from './keys.ts';

/** One key of the set, as Kubernetes publishes it. */
export type PublicJwk = JsonWebKey & { kid: string; use: 'sig'; alg: string };

/** `{ keys: [...] }` for the verification keys, one entry per distinct key. */
export function jwks(publicKeysPem: string[]): { keys: PublicJwk[] } {
  const keys: PublicJwk[] = [];
  const seen = new Set<string>();
  for (const key of loadPublicKeys(publicKeysPem)) {
    const kid = keyId(key);
    if (seen.has(kid)) continue;
    seen.add(kid);
    keys.push({ use: 'sig', ...key.export({ format: 'jwk' }), kid, alg: signingAlgorithm(key) });
  }
  return { keys };
}
