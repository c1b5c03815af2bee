// The per-request record the filter chain fills in, in order: request info → user → audit → decision.
import type { IncomingHttpHeaders } from 'node:http';
import type { UserInfo } from '@hubspoke/auth';
import type { RequestInfo } from './request-info.ts';

/** A request as every filter and handler sees it, independent of the HTTP framework. */
export interface ApiRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  /** The TLS client chain, leaf first (DER), when the client presented one. */
  peerCertificates?: Buffer[];
  info: RequestInfo;
  auditID: string;
  receivedAt: Date;
  /** Set by the authentication filter. */
  user?: UserInfo;
  /** Set by the impersonation filter: who really authenticated, while `user` is the one impersonated. */
  authenticatedUser?: UserInfo;
  /** Audiences the credential was valid for. */
  audiences?: string[];
  /** Set by the authorization filter, for the audit annotations. */
  decision?: { allowed: boolean; reason: string };
  body: Buffer;
}

/** A buffered answer. */
export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
