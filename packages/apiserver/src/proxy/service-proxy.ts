// services/proxy: `…/namespaces/NS/services/ID/proxy/PATH` → an endpoint of the Service, as Kubernetes' service
// registry picks it. A port *number* in the id is translated to the declared service port's name; that name
// selects the endpoint port in the Service's Endpoints; an address is used only if it belongs to a pod of this
// namespace that still has that IP (isValidAddress), so an Endpoints object written by hand cannot aim the
// apiserver at arbitrary hosts. Nothing usable → 503.
import { notFound, serviceUnavailable } from '@hubspoke/api';
import type { ApiRequest } from '../request/context.ts';
import type { Storage } from '../storage/interface.ts';
import { backendTarget, parseProxyId, requireProxyableIP, type BackendDialDeps, type ProxyTarget } from './proxy-backend.ts';

interface ServicePort {
  name?: string;
  port?: number;
}

interface EndpointAddress {
  ip?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string };
}

interface EndpointSubset {
  addresses?: EndpointAddress[];
  ports?: { name?: string; port?: number }[];
}

/** What services/proxy needs. */
export interface ServiceProxyDeps extends BackendDialDeps {
  objects: Pick<Storage, 'get'>;
}

/** Resolve the target of a services/proxy request; 404 unknown service or endpoints, 503 when nothing can serve it. */
export async function serviceProxyTarget(deps: ServiceProxyDeps, req: ApiRequest): Promise<ProxyTarget> {
  const { namespace } = req.info;
  const id = parseProxyId('service', req.info.name);
  let portName = id.port;
  // strconv.ParseInt: only a number is looked up in the Service; a name goes straight to the Endpoints.
  if (/^[+-]?\d+$/.test(portName)) {
    const number = Number(portName);
    const svc = await deps.objects.get('services', namespace, id.name);
    if (!svc) throw notFound({ group: '', resource: 'services' }, id.name);
    const declared = ((svc.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []).find((p) => p.port === number);
    if (!declared) throw serviceUnavailable(`no service port ${number} found for service ${JSON.stringify(id.name)}`);
    portName = declared.name ?? '';
  }
  const endpoints = await deps.objects.get('endpoints', namespace, id.name);
  if (!endpoints) throw notFound({ group: '', resource: 'endpoints' }, id.name);
  const subsets = (endpoints as { subsets?: EndpointSubset[] }).subsets ?? [];
  if (subsets.length === 0) throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(id.name)}`);
  for (const subset of subsets) {
    const port = subset.ports?.find((p) => (p.name ?? '') === portName)?.port;
    if (port === undefined) continue;
    for (const address of subset.addresses ?? []) {
      if (!(await isValidAddress(deps, namespace, address))) continue;
      const host = address.ip ?? '';
      requireProxyableIP(host, deps.proxyAllowLoopback ?? false);
      return backendTarget(deps, req, { scheme: id.scheme, host, port: { kind: 'port', port } });
    }
  }
  // Kubernetes names the whole id here (`"web:http"`), and only the service when there were no subsets at all.
  throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(req.info.name)}`);
}

async function isValidAddress(deps: ServiceProxyDeps, namespace: string, address: EndpointAddress): Promise<boolean> {
  const ref = address.targetRef;
  if (!ref?.name || ref.namespace !== namespace || !address.ip) return false;
  const pod = await deps.objects.get('pods', namespace, ref.name);
  if (!pod) return false;
  const status = pod.status as { podIPs?: { ip?: string }[]; podIP?: string } | undefined;
  const ips = status?.podIPs?.map((p) => p.ip) ?? [status?.podIP];
  return ips.includes(address.ip);
}
