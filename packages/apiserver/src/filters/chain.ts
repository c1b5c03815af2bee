// The request path, listed once and in execution order: request info → authentication → impersonation →
// audit → authorization. Plain HTTP requests and upgrades both go through here before any handler runs.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Authenticator, Authorizer } from '@hubspoke/auth';
import type { AuditSink } from '../audit/audit-log.ts';
import type { ApiRequest } from '../request/context.ts';
import { parseRequestInfo } from '../request/request-info.ts';
import { authenticate } from './authentication.ts';
import { authorize } from './authorization.ts';
import { impersonate } from './impersonation.ts';

/** The filters' dependencies. */
export interface ChainDeps {
  authenticator: Authenticator;
  authorizer: Authorizer;
  audit?: AuditSink;
}

/** The raw facts of an incoming request. */
export interface IncomingFacts {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  peerCertificates?: Buffer[];
  body?: Buffer;
}

/** Step 1: what the request is about (never fails). */
export function withRequestInfo(facts: IncomingFacts): ApiRequest {
  return {
    method: facts.method,
    url: facts.url,
    headers: { ...facts.headers },
    remoteAddress: facts.remoteAddress,
    peerCertificates: facts.peerCertificates,
    info: parseRequestInfo(facts.method, facts.url),
    auditID: randomUUID(),
    receivedAt: new Date(),
    body: facts.body ?? Buffer.alloc(0),
  };
}

/** Steps 2–5: authenticate (401), impersonate (400/403), then authorize (403). Auditing happens when the
 *  response is known. */
export async function authenticateAndAuthorize(req: ApiRequest, deps: ChainDeps): Promise<void> {
  await authenticate(req, deps.authenticator);
  await impersonate(req, deps.authorizer);
  await authorize(req, deps.authorizer);
}
