// Which node's SSH tunnel carries a connection: the node itself when the destination is one of its addresses,
// and for a pod IP the node that runs the pod (pods/proxy, and services/proxy to an endpoint on that node).
import type { KubeObject } from '@hubspoke/api';
import { kubeletEndpointOf } from '../kubelet/node-address.ts';

/** Read access to the objects the lookup needs. */
export interface NodeLookupSource {
  peekList(resource: string): KubeObject[];
}

interface NodeShape {
  status?: { addresses?: { type?: string; address?: string }[] };
}

interface PodShape {
  spec?: { nodeName?: string };
  status?: { podIP?: string; podIPs?: { ip?: string }[] };
}

/**
 * A `nodeForAddress` over the stored nodes and pods: the node's preferred address (the one its kubelet is
 * dialed at, so a node has one tunnel), or undefined when `host` belongs to no node.
 */
export function nodeForAddressFrom(source: NodeLookupSource, preferredAddressTypes: readonly string[]): (host: string) => string | undefined {
  const tunnelAddress = (node: KubeObject): string | undefined => {
    const result = kubeletEndpointOf(node, preferredAddressTypes);
    return result.kind === 'found' ? result.endpoint.host : undefined;
  };
  return (host) => {
    const nodes = source.peekList('nodes');
    const owner = nodes.find((n) => (n as NodeShape).status?.addresses?.some((a) => a.address === host));
    if (owner) return tunnelAddress(owner);
    const pod = source.peekList('pods').find((p) => {
      const status = (p as PodShape).status;
      return status?.podIP === host || Boolean(status?.podIPs?.some((ip) => ip.ip === host));
    });
    const nodeName = (pod as PodShape | undefined)?.spec?.nodeName;
    const node = nodeName ? nodes.find((n) => n.metadata.name === nodeName) : undefined;
    return node ? tunnelAddress(node) : undefined;
  };
}
