// How the apiserver opens a TCP connection to a node. The Dialer is the seam where egress (SSH tunnels,
// Konnectivity) plugs in later; failures carry Go's wording so clients see what a real apiserver prints.
import { connect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';

/** Where to connect: a host name or IP, and a port. */
export interface Endpoint {
  host: string;
  port: number;
}

/** Opens a byte stream to `endpoint`, giving up after `timeoutMs`; rejects with a DialError. */
export type Dialer = (endpoint: Endpoint, timeoutMs: number) => Promise<Duplex>;

/** A failure to reach a backend, its message worded as Go's net and crypto/tls errors. */
export class DialError extends Error {
  override name = 'DialError';
}

/** `host:port` as Go's net.JoinHostPort writes it (IPv6 in brackets). */
export function joinHostPort(endpoint: Endpoint): string {
  return isIP(endpoint.host) === 6 ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/** Plain TCP from this process (Kubernetes' default egress, `Direct`). */
export const directDialer: Dialer = (endpoint, timeoutMs) =>
  new Promise((resolve, reject) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DialError(`dial tcp ${joinHostPort(endpoint)}: i/o timeout`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    // Stays attached: after the connect, errors belong to whoever reads the stream, and must not crash us.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new DialError(goDialMessage(endpoint, err)));
    });
  });

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  ETIMEDOUT: 'i/o timeout',
  ECONNRESET: 'read: connection reset by peer',
  EADDRNOTAVAIL: 'connect: cannot assign requested address',
};

/** Go's `*net.OpError` text for a failed connect. */
export function goDialMessage(endpoint: Endpoint, err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `dial tcp: lookup ${endpoint.host}: no such host`;
  const detail = CONNECT_ERRORS[err.code ?? ''] ?? `connect: ${(err.code ?? 'unknown error').toLowerCase()}`;
  return `dial tcp ${joinHostPort(endpoint)}: ${detail}`;
}
