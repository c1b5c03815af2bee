// nodes/proxy: `…/nodes/ID/proxy/PATH` → the node. ID is `name`, `name:port` or `scheme:name:port`. As in
// Kubernetes, the node's address must be global unicast (isProxyableHostname; the lab may allow loopback), since
// a node writes its own addresses and could otherwise aim the apiserver at 169.254.169.254 or its own loopback.
// No port (or the kubelet's own) means the kubelet over HTTPS with the apiserver's kubelet client certificate;
// any other port is dialed with the requested scheme, `https` there encrypted but never verified (PROTOCOLS.md §9).
import { badRequest } from '@hubspoke/api';
import { joinHostPort } from '../kubelet/dialer.ts';
import { resolveKubelet } from '../kubelet/node-address.ts';
import type { ApiRequest } from '../request/context.ts';
import type { KubeletAccess } from './pod-log.ts';
import { backendTarget, dialPort, requireProxyableHost, type BackendDialDeps, type ProxyTarget } from './proxy-backend.ts';
import { backendUrl, proxyPath } from './proxy-path.ts';

/** What nodes/proxy needs: the kubelet client, and a dialer for the node's other ports. */
export interface NodeProxyDeps extends KubeletAccess, BackendDialDeps {}

/** Resolve the target of a nodes/proxy request; 400 for a malformed id or an address not allowed, 404 unknown node. */
export async function nodeProxyTarget(deps: NodeProxyDeps, req: ApiRequest): Promise<ProxyTarget> {
  const id = splitSchemeNamePort(req.info.name);
  if (!id) throw badRequest(`invalid node request ${JSON.stringify(req.info.name)}`);
  const kubelet = await resolveKubelet(deps.objects, id.name, deps.preferredAddressTypes);
  await requireProxyableHost(kubelet.host, deps.proxyAllowLoopback ?? false);
  // Kubernetes compares the strings: `node:010250` is not the kubelet port.
  if (!id.port || id.port === String(kubelet.port)) {
    const { prefix, rest } = proxyPath(req.url);
    return {
      prefix,
      emptyPath: rest === '',
      url: backendUrl(`https://${joinHostPort(kubelet)}`, req.url),
      connect: () => deps.kubelet.connect(kubelet),
    };
  }
  return backendTarget(deps, req, { scheme: id.scheme || 'http', host: kubelet.host, port: dialPort(kubelet.host, id.port) });
}

/**
 * Go's utilnet.SplitSchemeNamePort, plus a hubspoke rule: the port must be decimal. Kubernetes passes a named
 * port on to Go's URL parser, which rejects it, and the apiserver panics; a 400 is the clearer answer.
 */
export function splitSchemeNamePort(id: string): { scheme: '' | 'http' | 'https'; name: string; port: string } | undefined {
  const parts = id.split(':');
  const [scheme, name, port] = parts.length === 1 ? ['', parts[0], ''] : parts.length === 2 ? ['', parts[0], parts[1]] : parts.length === 3 ? parts : [];
  if (!name || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  if (port && !/^\d+$/.test(port)) return undefined;
  return { scheme, name, port };
}
