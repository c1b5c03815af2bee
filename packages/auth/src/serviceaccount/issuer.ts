// Mints bound ServiceAccount tokens (TokenRequest, the kubelet's projected `token`), signed with the key of
// `--service-account-signing-key-file` and named by `--service-account-issuer`.
import { createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { serviceAccountUsername } from './names.ts';
import { keyId as computeKeyId, signingAlgorithm, type SigningAlgorithm } from './keys.ts';
import type { KubernetesClaim, ObjectRef, ServiceAccountClaims } from './claims.ts';

/** Where tokens come from. */
export interface TokenIssuerConfig {
  /** PEM private key (PKCS#8, SEC1 or PKCS#1), RSA or EC. */
  privateKeyPem: string;
  /** The `iss` claim (`--service-account-issuer`). */
  issuer: string;
}

/** What one token says. */
export interface TokenClaimsRequest {
  namespace: string;
  serviceAccount: ObjectRef;
  /** Non-empty; TokenRequest defaults it to the issuer before calling. */
  audiences: string[];
  expirationSeconds: number;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  /** Set for tokens whose lifetime was extended beyond what the client asked for. */
  warnAfter?: Date;
  now?: Date;
}

/** A signed token and what it contains. */
export interface IssuedToken {
  token: string;
  claims: ServiceAccountClaims;
  expirationTimestamp: Date;
}

/** Signs bound tokens. */
export interface TokenIssuer {
  readonly issuer: string;
  readonly keyId: string;
  readonly algorithm: SigningAlgorithm;
  issue(request: TokenClaimsRequest): Promise<IssuedToken>;
}

/** A token issuer for one signing key; throws at construction for a key it cannot sign with. */
export function createTokenIssuer(config: TokenIssuerConfig): TokenIssuer {
  if (!config.issuer) throw new Error('service account issuer must not be empty');
  const privateKey = createPrivateKey(config.privateKeyPem);
  const algorithm = signingAlgorithm(privateKey);
  const keyId = computeKeyId(createPublicKey(privateKey));

  return {
    issuer: config.issuer,
    keyId,
    algorithm,
    async issue(request) {
      if (request.audiences.length === 0) throw new Error('a token needs at least one audience');
      if (!(request.expirationSeconds > 0)) throw new Error('expirationSeconds must be positive');
      const now = Math.floor((request.now ?? new Date()).getTime() / 1000);
      const exp = now + Math.floor(request.expirationSeconds);

      const kubernetes: KubernetesClaim = { namespace: request.namespace, serviceaccount: { ...request.serviceAccount } };
      if (request.pod) kubernetes.pod = { ...request.pod };
      if (request.secret) kubernetes.secret = { ...request.secret };
      if (request.node) kubernetes.node = { ...request.node };
      if (request.warnAfter) kubernetes.warnafter = Math.floor(request.warnAfter.getTime() / 1000);

      const claims: ServiceAccountClaims = {
        iss: config.issuer,
        sub: serviceAccountUsername(request.namespace, request.serviceAccount.name),
        aud: [...request.audiences],
        exp,
        iat: now,
        nbf: now,
        jti: randomUUID(),
        'kubernetes.io': kubernetes,
      };
      const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: algorithm, kid: keyId }).sign(privateKey);
      return { token, claims, expirationTimestamp: new Date(exp * 1000) };
    },
  };
}
