// nodes/proxy: `…/nodes/ID/proxy/PATH` → the node. ID is `name`, `name:port` or `scheme:name:port`; no port
// (or the kubelet's own) means the kubelet over HTTPS with the apiserver's kubelet client certificate, as
// Kubernetes does; any other port is dialed with the requested scheme, and `https` there is encrypted but
// never verified (PROTOCOLS.md §9).
import { connect as tlsConnect } from 'node:tls';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { badRequest } from '@hubspoke/api';
import { directDialer, joinHostPort, DialError, type Dialer, type Endpoint } from '../kubelet/dialer.ts';
import { resolveKubelet } from '../kubelet/node-address.ts';
import type { ApiRequest } from '../request/context.ts';
import type { KubeletAccess } from './pod-log.ts';

/** Where a node proxy request goes and how to open the connection. */
export interface NodeProxyTarget {
  url: URL;
  connect(): Promise<Duplex>;
  /** The request's path up to and including `/proxy`, for redirects back through the apiserver. */
  prefix: string;
  /** Nothing followed `/proxy` in the request path. */
  emptyPath: boolean;
}

/** Extra dependencies for non-kubelet ports. */
export interface NodeProxyDeps extends KubeletAccess {
  dialer?: Dialer;
  /** Dial timeout for non-kubelet ports (ms). */
  timeoutMs: number;
}

/** Resolve the target of a nodes/proxy request. */
export async function nodeProxyTarget(deps: NodeProxyDeps, req: ApiRequest): Promise<NodeProxyTarget> {
  const id = splitSchemeNamePort(req.info.name);
  if (!id) throw badRequest(`invalid node request ${JSON.stringify(req.info.name)}`);
  const kubelet = await resolveKubelet(deps.objects, id.name, deps.preferredAddressTypes);
  const { prefix, rest } = proxyPath(req.url);
  const emptyPath = rest === '';
  const pathAndQuery = `${rest || '/'}${new URL(req.url, 'http://x').search}`;
  if (!id.port || id.port === String(kubelet.port)) {
    return { prefix, emptyPath, url: new URL(`https://${joinHostPort(kubelet)}${pathAndQuery}`), connect: () => deps.kubelet.connect(kubelet) };
  }
  const endpoint: Endpoint = { host: kubelet.host, port: Number(id.port) };
  const scheme = id.scheme || 'http';
  return {
    prefix,
    emptyPath,
    url: new URL(`${scheme}://${joinHostPort(endpoint)}${pathAndQuery}`),
    connect: () => dialOther(deps, endpoint, scheme === 'https'),
  };
}

/** Go's utilnet.SplitSchemeNamePort; undefined when malformed. */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  const [scheme, name, port] = parts.length === 1 ? ['', parts[0], ''] : parts.length === 2 ? ['', parts[0], parts[1]] : parts.length === 3 ? parts : [];
  if (!name || !['', 'http', 'https'].includes(scheme)) return undefined;
  if (port && !/^\d+$/.test(port)) return undefined;
  return { scheme, name, port };
}

/** The raw (still escaped) path after `…/{nodes,pods,services}/ID/proxy`, and everything before it. */
export function proxyPath(rawUrl: string): { prefix: string; rest: string } {
  const path = rawUrl.split('?')[0];
  const m = /^(.*?\/(?:nodes|pods|services)\/[^/]+\/proxy)(\/.*)?$/.exec(path);
  return m ? { prefix: m[1], rest: m[2] ?? '' } : { prefix: path, rest: '' };
}

async function dialOther(deps: NodeProxyDeps, endpoint: Endpoint, encrypted: boolean): Promise<Duplex> {
  const tcp = await (deps.dialer ?? directDialer)(endpoint, deps.timeoutMs);
  if (!encrypted) return tcp;
  return new Promise((resolve, reject) => {
    // `https:` to a node port: TLS for confidentiality only — no verification, no client certificate.
    const socket = tlsConnect({ socket: tcp, servername: isIP(endpoint.host) ? undefined : endpoint.host, rejectUnauthorized: false });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', () => {
      tcp.destroy();
      reject(new DialError('remote error: tls: handshake failure'));
    });
  });
}
