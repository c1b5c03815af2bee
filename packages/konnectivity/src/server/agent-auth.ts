// Authenticating an agent's WebSocket upgrade: a client certificate from the cluster CA, or a ServiceAccount token.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** A TokenReview's verdict, as the apiserver returns it in status. */
export interface TokenReviewResult {
  authenticated: boolean;
  username?: string;
  audiences?: string[];
  error?: string;
}

/** Validates a bearer token (a TokenReview against the apiserver, or a fake in tests). */
export type ReviewToken = (token: string, audiences: string[]) => Promise<TokenReviewResult>;

/** How agents prove who they are; at least one of the two methods must be configured. */
export interface AgentAuthOptions {
  /** When set, agents presenting a certificate from this CA are accepted (`--cluster-ca-cert`). */
  clientCA?: string;
  /** When set, agents may instead send `Authorization: Bearer <ServiceAccount token>`. */
  reviewToken?: ReviewToken;
  /** `--agent-namespace`, `--agent-service-account`: the only ServiceAccount a token may belong to. */
  agentNamespace?: string;
  agentServiceAccount?: string;
  /** `--authentication-audience`: the audience the token must be issued for. */
  authenticationAudience?: string;
}

/** The outcome of authenticating one agent. */
export type AgentAuthResult = { kind: 'authenticated'; user: string } | { kind: 'rejected'; reason: string };

/** Authenticates the upgrade request of an agent; a token, when present, is checked even if a cert was also sent. */
export async function authenticateAgent(req: IncomingMessage, options: AgentAuthOptions): Promise<AgentAuthResult> {
  const header = req.headers.authorization;
  if (header !== undefined) return authenticateToken(header, options);
  const socket = req.socket as TLSSocket;
  if (options.clientCA && socket.authorized) {
    const cn = socket.getPeerCertificate().subject?.CN;
    return { kind: 'authenticated', user: Array.isArray(cn) ? cn[0] : (cn ?? '') };
  }
  if (options.clientCA && typeof socket.getPeerCertificate === 'function' && Object.keys(socket.getPeerCertificate()).length > 0) {
    return { kind: 'rejected', reason: `client certificate not accepted: ${String(socket.authorizationError)}` };
  }
  return { kind: 'rejected', reason: 'no client certificate and no bearer token' };
}

async function authenticateToken(header: string, options: AgentAuthOptions): Promise<AgentAuthResult> {
  if (!options.reviewToken) return { kind: 'rejected', reason: 'token authentication is not enabled' };
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return { kind: 'rejected', reason: 'malformed Authorization header' };
  const audiences = options.authenticationAudience ? [options.authenticationAudience] : [];
  let review: TokenReviewResult;
  try {
    review = await options.reviewToken(match[1], audiences);
  } catch (error) {
    return { kind: 'rejected', reason: `token review failed: ${(error as Error).message}` };
  }
  if (!review.authenticated) return { kind: 'rejected', reason: `token not authenticated${review.error ? `: ${review.error}` : ''}` };
  const expected = `system:serviceaccount:${options.agentNamespace ?? ''}:${options.agentServiceAccount ?? ''}`;
  if (review.username !== expected) return { kind: 'rejected', reason: `token user ${review.username ?? '(none)'} is not ${expected}` };
  if (options.authenticationAudience && !(review.audiences ?? []).includes(options.authenticationAudience)) {
    return { kind: 'rejected', reason: `token audiences ${JSON.stringify(review.audiences ?? [])} do not include ${options.authenticationAudience}` };
  }
  return { kind: 'authenticated', user: review.username };
}
