// The kubelet's auth filter (pkg/kubelet/server/server.go InstallAuthFilter): authenticate, build the
// `nodes/<subresource>` attributes, authorize. Plain requests and connection upgrades both pass through it;
// a refused request is answered the way the kubelet's Go server answers it, in plain text.
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import { stripWebsocketBearerProtocol, type Attributes, type AuthnRequest, type UserInfo } from '@hubspoke/auth';
import type { Logger } from 'pino';
import { kubeletRequestAttributes } from './attributes.ts';
import type { KubeletAuth } from './chain.ts';

/** The verdict on one request. */
export type AccessCheck =
  | { kind: 'allowed'; user: UserInfo; attributes: Attributes }
  | { kind: 'unauthenticated' }
  | { kind: 'forbidden'; attributes: Attributes }
  | { kind: 'authorization-error'; attributes: Attributes };

/** A refused request's answer: status code and plain-text body. */
export interface Refusal {
  status: 401 | 403 | 500;
  text: string;
}

/**
 * Authenticates and authorizes `req`. On success the credentials (Authorization header, WebSocket bearer
 * subprotocol) are removed from the request, so no handler or stream ever sees them.
 */
export async function checkAccess(auth: KubeletAuth, req: IncomingMessage, logger: Logger): Promise<AccessCheck> {
  let authn;
  try {
    authn = await auth.authenticator.authenticate(authnRequest(req));
  } catch (err) {
    logger.error({ err }, 'Unable to authenticate the request due to an error');
    return { kind: 'unauthenticated' };
  }
  if (authn.kind !== 'authenticated') {
    if (authn.kind === 'rejected') logger.debug({ reason: authn.reason }, 'Unauthorized');
    return { kind: 'unauthenticated' };
  }
  stripCredentials(req);

  const attributes = kubeletRequestAttributes(authn.user, { method: req.method ?? 'GET', path: requestPath(req) }, auth.nodeName, {
    commandsNeedCreate: auth.commandsNeedCreate,
  });
  const fields = { user: authn.user.name, verb: attributes.verb, resource: attributes.resource, subresource: attributes.subresource };
  try {
    const decision = await auth.authorizer.authorize(attributes);
    if (decision.kind === 'allow') return { kind: 'allowed', user: authn.user, attributes };
    logger.debug({ ...fields, reason: decision.reason }, 'Forbidden');
    return { kind: 'forbidden', attributes };
  } catch (err) {
    logger.error({ err, ...fields }, 'Authorization error');
    return { kind: 'authorization-error', attributes };
  }
}

/** Kubernetes' status and text for a refused request. */
export function refusalFor(check: Exclude<AccessCheck, { kind: 'allowed' }>): Refusal {
  switch (check.kind) {
    case 'unauthenticated':
      return { status: 401, text: 'Unauthorized' };
    case 'forbidden':
      return { status: 403, text: `Forbidden (${describe(check.attributes)})` };
    case 'authorization-error':
      return { status: 500, text: `Authorization error (${describe(check.attributes)})` };
  }
}

function describe(a: Attributes): string {
  return `user=${a.user.name}, verb=${a.verb}, resource=${a.resource ?? ''}, subresource=${a.subresource ?? ''}`;
}

/** The request's headers and TLS client certificate chain, as authenticators take them. */
export function authnRequest(req: IncomingMessage): AuthnRequest {
  return { headers: req.headers, peerCertificates: peerCertificates(req) };
}

// The chain as the client presented it (leaf first, DER), completed by Node from the server's CA store.
function peerCertificates(req: IncomingMessage): Buffer[] | undefined {
  if (!(req.socket instanceof TLSSocket)) return undefined;
  let cert = req.socket.getPeerCertificate(true);
  if (!cert?.raw) return undefined;
  const chain = [cert.raw];
  while (cert.issuerCertificate && cert.issuerCertificate !== cert && cert.issuerCertificate.raw && chain.length < 10) {
    cert = cert.issuerCertificate;
    chain.push(cert.raw);
  }
  return chain;
}

// Go's r.URL.Path: the path without the query, percent-decoded.
function requestPath(req: IncomingMessage): string {
  const path = new URL(req.url ?? '/', 'http://kubelet').pathname;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function stripCredentials(req: IncomingMessage): void {
  delete req.headers.authorization;
  const protocols = req.headers['sec-websocket-protocol'];
  if (protocols === undefined) return;
  const kept = stripWebsocketBearerProtocol(protocols);
  if (kept) req.headers['sec-websocket-protocol'] = kept;
  else delete req.headers['sec-websocket-protocol'];
}
