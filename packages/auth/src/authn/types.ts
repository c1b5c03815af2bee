// The authentication contract: one method, three outcomes. A union tries authenticators in order and stops
// at the first that either accepts or rejects the credential.
import type { UserInfo } from '../user.ts';

/** What an authenticator may look at. Kept free of any HTTP framework. */
export interface AuthnRequest {
  /** Lower-cased header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * The TLS client certificate chain (leaf first, DER), if the client sent one. The server never rejects
   * a handshake for it; the x509 authenticator decides.
   */
  peerCertificates?: Buffer[];
  /**
   * The audiences a TokenReview asks for (`spec.audiences`); absent = the apiserver's own (`--api-audiences`).
   * Audience-aware authenticators (ServiceAccount tokens) check the token against these.
   */
  audiences?: string[];
}

/** The outcome of one authenticator. */
export type AuthnResult =
  | { kind: 'authenticated'; user: UserInfo; audiences?: string[] }
  | { kind: 'no-opinion' }
  | { kind: 'rejected'; reason: string };

/** Decides who sent a request, from one kind of credential. */
export interface Authenticator {
  /** A short name for logs and metrics: `x509`, `token-file`, … */
  readonly name: string;
  authenticate(req: AuthnRequest): Promise<AuthnResult> | AuthnResult;
}

/** The `Authorization: Bearer …` token, if any. */
export function bearerToken(req: AuthnRequest): string | undefined {
  const h = req.headers['authorization'];
  const value = Array.isArray(h) ? h[0] : h;
  if (!value) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return m ? m[1] : undefined;
}
