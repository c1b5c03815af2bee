// Where a node's kubelet listens, read from its Node object as kube-apiserver does: the first address whose
// type comes first in --kubelet-preferred-address-types, and the port the kubelet reported in
// status.daemonEndpoints.kubeletEndpoint.Port.
import { ApiError, notFound, type KubeObject } from '@hubspoke/api';
import type { Storage } from '../storage/interface.ts';
import type { Endpoint } from './dialer.ts';

/** The kubelet's port when a node reports none (`--kubelet-port`'s default). */
export const DEFAULT_KUBELET_PORT = 10250;

/** Kubernetes' default `--kubelet-preferred-address-types`. */
export const DEFAULT_PREFERRED_ADDRESS_TYPES: readonly string[] = ['Hostname', 'InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP'];

interface NodeAddress {
  type?: string;
  address?: string;
}

interface NodeStatus {
  addresses?: NodeAddress[];
  daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
}

/** A kubelet's endpoint and the node it belongs to (KubeletCertCNValidation checks the certificate against it). */
export interface KubeletEndpoint extends Endpoint {
  nodeName: string;
}

/** The result of looking for a kubelet's endpoint in a Node. */
export type KubeletEndpointResult = { kind: 'found'; endpoint: Endpoint } | { kind: 'no-address'; message: string };

/** Pick the kubelet endpoint of `node`; types are tried in `preferredTypes` order, addresses in listed order. */
export function kubeletEndpointOf(node: KubeObject, preferredTypes: readonly string[]): KubeletEndpointResult {
  const status = (node.status ?? {}) as NodeStatus;
  const addresses = status.addresses ?? [];
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
  for (const type of preferredTypes) {
    const match = addresses.find((a) => a.type === type && a.address);
    if (match) return { kind: 'found', endpoint: { host: match.address!, port } };
  }
  // Go prints the []NodeAddress with %v.
  const known = addresses.map((a) => `{${a.type ?? ''} ${a.address ?? ''}}`).join(' ');
  return { kind: 'no-address', message: `no preferred addresses found; known addresses: [${known}]` };
}

/** The kubelet endpoint of the named node; 404 for a missing node, 500 (Go's plain error) for no usable address. */
export async function resolveKubelet(nodes: Pick<Storage, 'get'>, nodeName: string, preferredTypes: readonly string[]): Promise<KubeletEndpoint> {
  const node = await nodes.get('nodes', undefined, nodeName);
  if (!node) throw notFound({ group: '', resource: 'nodes' }, nodeName);
  const result = kubeletEndpointOf(node, preferredTypes);
  if (result.kind === 'no-address') throw new ApiError(500, '', result.message);
  return { ...result.endpoint, nodeName };
}
