// What the nodes, pods and services proxies share: the `[scheme:]name[:port]` id, the rule on which backend
// addresses may be dialed, how a port is read, and the dial itself. `https:` is TLS for confidentiality only:
// the backend's certificate is never verified and no client credentials are presented (PROTOCOLS.md §9).
import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { badRequest } from '@hubspoke/api';
import { DialError, directDialer, joinHostPort, type Dialer, type Endpoint } from '../kubelet/dialer.ts';
import type { ApiRequest } from '../request/context.ts';
import { backendUrl, proxyPath } from './proxy-path.ts';

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

/** How backends other than a kubelet's own port are dialed. */
export interface BackendDialDeps {
  dialer?: Dialer;
  timeoutMs: number;
  /**
   * hubspoke lab deviation: accept loopback backend addresses. Kubernetes refuses them (`address not
   * allowed`); the single-host lab gives nodes and pods 127.x addresses, so startCluster turns this on.
   */
  proxyAllowLoopback?: boolean;
}

/** A port to dial, or the error Go's dialer reports instead of dialing. */
export type DialPort = { kind: 'port'; port: number } | { kind: 'undialable'; message: string };

/** Go's SplitSchemeNamePort for pods and services (ports may be names); 400 when malformed. */
export function parseProxyId(kind: 'pod' | 'service', id: string): ProxyId {
  const parts = id.split(':');
  const [scheme, name, port] = parts.length === 1 ? ['', parts[0], ''] : parts.length === 2 ? ['', parts[0], parts[1]] : parts.length === 3 ? parts : [];
  if (!name || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) throw badRequest(`invalid ${kind} request ${JSON.stringify(id)}`);
  return { scheme: scheme === 'https' ? 'https' : 'http', name, port };
}

/**
 * The decimal port of a proxy id as Go's dialer reads it. Kubernetes never range-checks an id's port, so a bad
 * one fails only at the dial, with Go's words: `dial tcp: address 99999: invalid port`.
 */
export function dialPort(host: string, digits: string): DialPort {
  const port = Number(digits);
  if (!/^\d+$/.test(digits) || port > 65535) return { kind: 'undialable', message: `dial tcp: address ${digits}: invalid port` };
  // Linux refuses a connect to port 0 as it refuses a closed port (and Node would not even try).
  if (port === 0) return { kind: 'undialable', message: `dial tcp ${joinHostPort({ host, port })}: connect: connection refused` };
  return { kind: 'port', port };
}

// Go's !IP.IsGlobalUnicast (proxyutil.IsProxyableIP) minus loopback, which has its own switch: unspecified
// (0.0.0.0 and :: dial this host), link-local unicast (cloud metadata at 169.254.169.254), multicast, broadcast.
// BlockList also matches the IPv4-mapped IPv6 forms of the IPv4 ranges.
const NEVER = blockList([['0.0.0.0', 32], ['::', 128], ['169.254.0.0', 16], ['fe80::', 10], ['224.0.0.0', 4], ['ff00::', 8], ['255.255.255.255', 32]]);
const LOOPBACK = blockList([['127.0.0.0', 8], ['::1', 128]]);

/** proxyutil.IsProxyableIP: 400 `address not allowed` unless `ip` is a global unicast address (or allowed loopback). */
export function requireProxyableIP(ip: string, allowLoopback: boolean): void {
  const family = ip.includes('%') ? 0 : isIP(ip);
  if (family === 0) throw badRequest('address not allowed');
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (NEVER.check(ip, type) || (!allowLoopback && LOOPBACK.check(ip, type))) throw badRequest('address not allowed');
}

/** The node proxy's isProxyableHostname: an IP as above, a name by every address it resolves to; 400 otherwise. */
export async function requireProxyableHost(host: string, allowLoopback: boolean): Promise<void> {
  if (isIP(host)) return requireProxyableIP(host, allowLoopback);
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    throw badRequest(`lookup ${host}: no such host`);
  }
  if (addresses.length === 0) throw badRequest('no addresses for hostname');
  for (const { address } of addresses) requireProxyableIP(address, allowLoopback);
}

/** The target for `scheme://host:port` plus the path and query after `…/proxy`; the caller has vetted `host`. */
export function backendTarget(deps: BackendDialDeps, req: ApiRequest, backend: { scheme: ProxyId['scheme']; host: string; port: DialPort }): ProxyTarget {
  const { scheme, host, port } = backend;
  const { prefix, rest } = proxyPath(req.url);
  if (port.kind === 'undialable') {
    // Never dialed: the URL only carries the path, so it names the host without the unusable port.
    const origin = `${scheme}://${isIP(host) === 6 ? `[${host}]` : host}`;
    return { prefix, emptyPath: rest === '', url: backendUrl(origin, req.url), connect: () => Promise.reject(new DialError(port.message)) };
  }
  const endpoint = { host, port: port.port };
  return {
    prefix,
    emptyPath: rest === '',
    url: backendUrl(`${scheme}://${joinHostPort(endpoint)}`, req.url),
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

function blockList(subnets: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, isIP(network) === 4 ? 'ipv4' : 'ipv6');
  return list;
}
