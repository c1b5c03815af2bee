// Which endpoints serve a service port, read from the Service's EndpointSlices the way kube-proxy reads
// them: slices found by the `kubernetes.io/service-name` label, the slice port matched by the Service port's
// name and protocol, an endpoint used when `conditions.ready` is not false, its first address taken, and the
// same address:port listed by two slices counted once.
import { formatHostPort } from './host-port.ts';
import { SERVICE_NAME_LABEL } from './service-types.ts';
import type { EndpointSlice } from './service-types.ts';

/** One backend of a service port. */
export interface Endpoint {
  ip: string;
  port: number;
}

/** Which endpoints to take for one service port. */
export interface EndpointQuery {
  portName: string;
  protocol: string;
  /** When set, only endpoints whose `nodeName` is this node (internalTrafficPolicy Local). */
  nodeName?: string;
}

/** Slices grouped by `namespace/service-name`; slices without the label belong to no Service. */
export function slicesByService(slices: Iterable<EndpointSlice>): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!service) continue;
    const key = `${slice.metadata.namespace ?? 'default'}/${service}`;
    const group = out.get(key);
    if (group) group.push(slice);
    else out.set(key, [slice]);
  }
  return out;
}

/** The ready endpoints for `query` across `slices`, ordered by address then port so every sync agrees. */
export function readyEndpoints(slices: readonly EndpointSlice[], query: EndpointQuery): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const slice of slices) {
    // FQDN slices name hosts, not addresses; kube-proxy skips them too.
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === query.portName && (p.protocol || 'TCP') === query.protocol);
    if (typeof port?.port !== 'number') continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      if (query.nodeName !== undefined && endpoint.nodeName !== query.nodeName) continue;
      const ip = endpoint.addresses?.[0];
      if (!ip) continue;
      seen.set(`${ip}:${port.port}`, { ip, port: port.port });
    }
  }
  return [...seen.values()].sort((a, b) => compareAddresses(a.ip, b.ip) || a.port - b.port);
}

/** `ip:port`, bracketing IPv6 addresses. */
export function formatEndpoint(endpoint: Endpoint): string {
  return formatHostPort({ host: endpoint.ip, port: endpoint.port });
}

// Numeric for IPv4 (so 127.0.0.10 follows 127.0.0.9), textual otherwise.
function compareAddresses(a: string, b: string): number {
  const na = ipv4Number(a);
  const nb = ipv4Number(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function ipv4Number(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}
