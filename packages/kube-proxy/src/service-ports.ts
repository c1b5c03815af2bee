// What a Service asks of the proxy: one entry per (ClusterIP, TCP port), named the way kube-proxy names
// them (`namespace/name:port-name`), with its session affinity. Everything a user-space proxy cannot or
// does not serve is reported as skipped, so the caller can say so once.
import type { Service } from './service-types.ts';

/** How a service port spreads clients over endpoints. */
export type Affinity = { kind: 'none' } | { kind: 'client-ip'; timeoutMs: number };

/** `sessionAffinityConfig.clientIP.timeoutSeconds` when unset: three hours, as in Kubernetes. */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10_800;

/** One address:port the proxy listens on for a Service. */
export interface ServicePortSpec {
  /** kube-proxy's ServicePortName, `namespace/name:port-name` (`namespace/name:` for an unnamed port). */
  key: string;
  namespace: string;
  service: string;
  /** The Service port's name ('' when unnamed); EndpointSlice ports are matched by it. */
  portName: string;
  protocol: string;
  /** The ClusterIP. */
  address: string;
  port: number;
  affinity: Affinity;
  /** `internalTrafficPolicy: Local`: only endpoints on this proxy's node. */
  nodeLocal: boolean;
}

/** A Service port the proxy leaves alone, and why. */
export interface SkippedPort {
  key: string;
  protocol: string;
  reason: 'protocol-not-proxied';
}

/** The ports of `service` to listen on, and those skipped. Headless and ExternalName Services have none. */
export function servicePortsOf(service: Service): { ports: ServicePortSpec[]; skipped: SkippedPort[] } {
  const spec = service.spec ?? {};
  const namespace = service.metadata.namespace ?? 'default';
  const name = service.metadata.name ?? '';
  const addresses = clusterIPsOf(service);
  const ports: ServicePortSpec[] = [];
  const skipped: SkippedPort[] = [];
  if (spec.type === 'ExternalName' || addresses.length === 0) return { ports, skipped };
  const affinity = affinityOf(service);
  for (const port of spec.ports ?? []) {
    const portName = port.name ?? '';
    const protocol = port.protocol || 'TCP';
    const key = `${namespace}/${name}:${portName}`;
    if (protocol !== 'TCP') {
      skipped.push({ key, protocol, reason: 'protocol-not-proxied' });
      continue;
    }
    if (typeof port.port !== 'number') continue;
    for (const address of addresses) {
      ports.push({
        key,
        namespace,
        service: name,
        portName,
        protocol,
        address,
        port: port.port,
        affinity,
        nodeLocal: spec.internalTrafficPolicy === 'Local',
      });
    }
  }
  return { ports, skipped };
}

/** The listener identity of a service port: the same key on another address or port is another listener. */
export function listenerId(spec: ServicePortSpec): string {
  return `${spec.key}@${spec.address}:${spec.port}`;
}

function clusterIPsOf(service: Service): string[] {
  const spec = service.spec ?? {};
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}

function affinityOf(service: Service): Affinity {
  if (service.spec?.sessionAffinity !== 'ClientIP') return { kind: 'none' };
  const seconds = service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS;
  return { kind: 'client-ip', timeoutMs: seconds * 1000 };
}
