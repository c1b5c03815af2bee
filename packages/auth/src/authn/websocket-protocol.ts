// Browsers cannot set an Authorization header on a WebSocket, so Kubernetes also takes the bearer token from a
// subprotocol: `Sec-WebSocket-Protocol: base64url.bearer.authorization.k8s.io.<base64url token>, v5.channel.k8s.io`.
import type { Authenticator, AuthnRequest, AuthnResult } from './types.ts';
import { INVALID_BEARER_TOKEN } from './bearer-token.ts';

/** The subprotocol prefix that carries a token. */
export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

type HeaderValue = string | string[] | undefined;

/**
 * Authenticates the token inside the bearer subprotocol of a WebSocket upgrade with `inner`, a chain of token
 * authenticators, as if it had come in `Authorization: Bearer`. Not a WebSocket request, or no such
 * subprotocol → no-opinion; a token `inner` does not accept → rejected.
 */
export function websocketProtocolAuthenticator(inner: Authenticator): Authenticator {
  return {
    name: 'websocket-protocol',
    async authenticate(req): Promise<AuthnResult> {
      if (!isWebSocketUpgrade(req)) return { kind: 'no-opinion' };
      const protocols = commaList(req.headers['sec-websocket-protocol']);
      const carriers = protocols.filter((p) => p.startsWith(BEARER_PROTOCOL_PREFIX));
      if (carriers.length === 0) return { kind: 'no-opinion' };
      if (carriers.length > 1) return { kind: 'rejected', reason: 'multiple base64.bearer.authorization tokens specified' };

      const encoded = carriers[0].slice(BEARER_PROTOCOL_PREFIX.length);
      if (!/^[A-Za-z0-9_-]*$/.test(encoded)) return { kind: 'rejected', reason: 'invalid base64.bearer.authorization token encoding' };
      let token: string;
      try {
        token = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64url'));
      } catch {
        return { kind: 'rejected', reason: 'invalid base64.bearer.authorization token' };
      }
      if (token === '') return { kind: 'no-opinion' };
      // The echoed subprotocol must be another one, so the token's entry can be dropped before proxying.
      if (protocols.length === carriers.length) return { kind: 'rejected', reason: 'missing additional subprotocol' };

      const result = await inner.authenticate({ headers: { authorization: `Bearer ${token}` } });
      if (result.kind === 'no-opinion') return { kind: 'rejected', reason: INVALID_BEARER_TOKEN };
      return result;
    },
  };
}

/** The `Sec-WebSocket-Protocol` value without the bearer entry (what the apiserver forwards), or undefined if none remain. */
export function stripWebsocketBearerProtocol(headerValue: HeaderValue): string | undefined {
  const kept = commaList(headerValue).filter((p) => !p.startsWith(BEARER_PROTOCOL_PREFIX));
  return kept.length > 0 ? kept.join(',') : undefined;
}

function commaList(value: HeaderValue): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.flatMap((v) => v.split(',')).map((p) => p.trim()).filter((p) => p !== '');
}

function isWebSocketUpgrade(req: AuthnRequest): boolean {
  const tokens = (name: string) => commaList(req.headers[name]).map((t) => t.toLowerCase());
  return tokens('connection').includes('upgrade') && tokens('upgrade').includes('websocket');
}
