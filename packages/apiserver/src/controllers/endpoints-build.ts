// What a Service's Endpoints and EndpointSlices should contain, computed from its selected pods (the
// endpoints and endpointslice controllers' pure part). Ports resolve per pod: a numeric targetPort as is, a
// named one against the pod's container ports; pods that resolve to the same ports share a subset / slice.
import type { KubeObject } from '@hubspoke/api';

/** `v1.ServicePort`. */
export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

/** The fields of a Service this controller reads. */
export interface ServiceFields {
  spec?: {
    selector?: Record<string, string>;
    ports?: ServicePort[];
    clusterIP?: string;
    ipFamilies?: string[];
    publishNotReadyAddresses?: boolean;
    type?: string;
  };
}

/** `v1.EndpointPort` (also the shape of a discovery/v1 port, where `name` is always present). */
export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** `v1.EndpointAddress`. */
export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid?: string };
}

/** `v1.EndpointSubset`. */
export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** The content of one EndpointSlice. */
export interface SliceContent {
  ports: EndpointPort[];
  endpoints: SliceEndpoint[];
}

/** `discovery/v1.Endpoint`. */
export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef: EndpointAddress['targetRef'];
}

interface PodFields {
  spec?: { nodeName?: string; hostname?: string; subdomain?: string; containers?: { ports?: { name?: string; containerPort: number; protocol?: string }[] }[] };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

/** The service's address family as an EndpointSlice addressType. */
export function addressTypeOf(service: KubeObject): 'IPv4' | 'IPv6' {
  return (service as ServiceFields).spec?.ipFamilies?.[0] === 'IPv6' ? 'IPv6' : 'IPv4';
}

/** Whether a pod's labels satisfy an equality-based selector. */
export function selects(selector: Record<string, string>, pod: KubeObject): boolean {
  const labels = pod.metadata.labels ?? {};
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** Endpoints subsets: ready pods in `addresses`, others with an IP in `notReadyAddresses`; sorted. */
export function buildSubsets(service: KubeObject, pods: KubeObject[]): EndpointSubset[] {
  const groups = new Map<string, EndpointSubset & { ports: EndpointPort[] }>();
  for (const candidate of candidates(service, pods, false)) {
    const key = portsKey(candidate.ports);
    let subset = groups.get(key);
    if (!subset) groups.set(key, (subset = { ports: candidate.ports }));
    const address: EndpointAddress = { ip: candidate.ip, ...candidate.placement, targetRef: candidate.targetRef };
    const list = candidate.ready ? (subset.addresses ??= []) : (subset.notReadyAddresses ??= []);
    list.push(address);
  }
  return [...groups.keys()].sort().map((key) => {
    const { addresses, notReadyAddresses, ports } = groups.get(key)!;
    const subset: EndpointSubset = {};
    if (addresses) subset.addresses = addresses.sort(byIp);
    if (notReadyAddresses) subset.notReadyAddresses = notReadyAddresses.sort(byIp);
    if (ports.length > 0) subset.ports = ports;
    return subset;
  });
}

/** EndpointSlice contents, one per distinct port set; terminating pods included with their conditions. */
export function buildSlices(service: KubeObject, pods: KubeObject[]): SliceContent[] {
  const groups = new Map<string, SliceContent>();
  for (const candidate of candidates(service, pods, true)) {
    const ports = candidate.ports.map((p) => ({ ...p, name: p.name ?? '' }));
    const key = portsKey(ports);
    let slice = groups.get(key);
    if (!slice) groups.set(key, (slice = { ports, endpoints: [] }));
    slice.endpoints.push({
      addresses: [candidate.ip],
      conditions: { ready: candidate.ready, serving: candidate.serving, terminating: candidate.terminating },
      ...candidate.placement,
      targetRef: candidate.targetRef,
    });
  }
  return [...groups.keys()].sort().map((key) => {
    const slice = groups.get(key)!;
    slice.endpoints.sort((a, b) => compare(a.addresses[0], b.addresses[0]));
    return slice;
  });
}

/** A stable identity for a set of ports (how slices are matched to what they should hold). */
export function portsKey(ports: EndpointPort[] | undefined): string {
  return JSON.stringify((ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']));
}

interface Candidate {
  ip: string;
  ports: EndpointPort[];
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  placement: { hostname?: string; nodeName?: string };
  targetRef: EndpointAddress['targetRef'];
}

function* candidates(service: KubeObject, pods: KubeObject[], includeTerminating: boolean): Iterable<Candidate> {
  const spec = (service as ServiceFields).spec ?? {};
  const servicePorts = spec.ports ?? [];
  const headless = spec.clusterIP === 'None';
  const publishNotReady = spec.publishNotReadyAddresses === true;
  const family = addressTypeOf(service);
  for (const pod of pods) {
    const { spec: podSpec, status } = pod as PodFields;
    const ip = status?.podIP;
    if (!ip || (ip.includes(':') ? 'IPv6' : 'IPv4') !== family) continue;
    if (status?.phase === 'Succeeded' || status?.phase === 'Failed') continue;
    const terminating = Boolean(pod.metadata.deletionTimestamp);
    if (terminating && !includeTerminating && !publishNotReady) continue;
    const ports = servicePorts.flatMap((sp) => resolvePort(sp, pod));
    if (servicePorts.length > 0 ? ports.length === 0 : !headless) continue;
    const podReady = status?.phase === 'Running' && status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
    const serving = publishNotReady || podReady;
    const placement: Candidate['placement'] = {};
    if (podSpec?.hostname && podSpec.subdomain === service.metadata.name) placement.hostname = podSpec.hostname;
    if (podSpec?.nodeName) placement.nodeName = podSpec.nodeName;
    yield {
      ip,
      ports,
      ready: publishNotReady || (serving && !terminating),
      serving,
      terminating,
      placement,
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid },
    };
  }
}

// podutil.FindPort: a number is the port; a name is looked up among the containers' ports of that protocol.
function resolvePort(servicePort: ServicePort, pod: KubeObject): EndpointPort[] {
  const protocol = servicePort.protocol ?? 'TCP';
  const target = servicePort.targetPort ?? servicePort.port;
  let port: number | undefined;
  if (typeof target === 'number') port = target;
  else if (/^\d+$/.test(target)) port = Number(target);
  else {
    for (const container of (pod as PodFields).spec?.containers ?? []) {
      const found = container.ports?.find((p) => p.name === target && (p.protocol ?? 'TCP') === protocol);
      if (found) {
        port = found.containerPort;
        break;
      }
    }
  }
  if (port === undefined) return [];
  const out: EndpointPort = { port, protocol };
  if (servicePort.name) out.name = servicePort.name;
  if (servicePort.appProtocol) out.appProtocol = servicePort.appProtocol;
  return [out];
}

function byIp(a: EndpointAddress, b: EndpointAddress): number {
  return compare(a.ip, b.ip) || compare(a.targetRef.uid ?? '', b.targetRef.uid ?? '');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
