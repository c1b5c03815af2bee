// What pods/proxy and services/proxy share: the `[scheme:]name[:port]` id, the rule on which backend addresses
// may be dialed, and the dial itself. `https:` is TLS for confidentiality only: the backend's certificate is
// never verified and no client credentials are presented (the document's point, PROTOCOLS.md §9).
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { badRequest } from '@hubspoke/api';
import { DialError, directDialer, joinHostPort, type Dialer, type Endpoint } from '../kubelet/dialer.ts';
import type { ApiRequest } from '../request/context.ts';
import { proxyPath } from './node-proxy.ts';

/** Where a proxied request goes, and how to reach it. */
export interface ProxyTarget {
  url: URL;
  connect(): Promise<Duplex>;
  /** The request's path up to and including `/proxy`, for redirects back through the apiserver. */
  prefix: string;
  /** Nothing followed `/proxy` in the request path. */
  emptyPath: boolean;
}

/** A parsed proxy id; `port` is a number or a port name, '' when absent. */
export interface ProxyId {
  scheme: 'http' | 'https';
  name: string;
  port: string;
}

/** How pod and service backends are dialed. */
export interface BackendDialDeps {
  dialer?: Dialer;
  timeoutMs: number;
  /**
   * hubspoke lab deviation: accept loopback backend addresses. Kubernetes refuses them (`address not
   * allowed`); the single-host lab gives pods 127.x addresses, so startCluster turns this on.
   */
  proxyAllowLoopback?: boolean;
}

/** Go's SplitSchemeNamePort for pods and services (ports may be names); 400 when malformed. */
export function parseProxyId(kind: 'pod' | 'service', id: string): ProxyId {
  const parts = id.split(':');
  const [scheme, name, port] = parts.length === 1 ? ['', parts[0], ''] : parts.length === 2 ? ['', parts[0], parts[1]] : parts.length === 3 ? parts : [];
  if (!name || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) throw badRequest(`invalid ${kind} request ${JSON.stringify(id)}`);
  return { scheme: scheme === 'https' ? 'https' : 'http', name, port };
}

/** proxyutil.IsProxyableIP: 400 `address not allowed` for a non-IP, loopback (unless allowed) or link-local. */
export function requireProxyableIP(ip: string, allowLoopback: boolean): void {
  if (!isIP(ip) || isLinkLocal(ip) || (!allowLoopback && isLoopback(ip))) throw badRequest('address not allowed');
}

/** The target for `scheme://ip:port` plus the path and query after `…/proxy`. */
export function backendTarget(deps: BackendDialDeps, req: ApiRequest, scheme: ProxyId['scheme'], endpoint: Endpoint): ProxyTarget {
  requireProxyableIP(endpoint.host, deps.proxyAllowLoopback ?? false);
  const { prefix, rest } = proxyPath(req.url);
  const search = new URL(req.url, 'http://x').search;
  return {
    prefix,
    emptyPath: rest === '',
    url: new URL(`${scheme}://${joinHostPort(endpoint)}${rest || '/'}${search}`),
    connect: () => dialBackend(deps, endpoint, scheme === 'https'),
  };
}

/** TCP to `endpoint`, then TLS without verification when `encrypted`. */
export async function dialBackend(deps: BackendDialDeps, endpoint: Endpoint, encrypted: boolean): Promise<Duplex> {
  const tcp = await (deps.dialer ?? directDialer)(endpoint, deps.timeoutMs);
  if (!encrypted) return tcp;
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ socket: tcp, servername: isIP(endpoint.host) ? undefined : endpoint.host, rejectUnauthorized: false });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', () => {
      tcp.destroy();
      reject(new DialError('remote error: tls: handshake failure'));
    });
  });
}

function isLoopback(ip: string): boolean {
  const v4 = mappedV4(ip);
  if (v4) return v4.startsWith('127.');
  return ip === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(ip);
}

function isLinkLocal(ip: string): boolean {
  const v4 = mappedV4(ip);
  if (v4) return v4.startsWith('169.254.') || v4.startsWith('224.0.0.');
  const lower = ip.toLowerCase();
  // fe80::/10 unicast, ff02::/16 link-local multicast, ff01::/16 interface-local multicast.
  return /^fe[89ab]/.test(lower) || lower.startsWith('ff02:') || lower.startsWith('ff01:');
}

function mappedV4(ip: string): string | undefined {
  if (isIP(ip) === 4) return ip;
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m?.[1];
}
