// services/proxy: `…/namespaces/NS/services/ID/proxy/PATH` → an endpoint of the Service. The id's port (a
// service port number or name; empty = the unnamed/only port) selects the service port, whose name selects the
// endpoint port in the Service's Endpoints; the first ready address of the first subset carrying it is used.
import { notFound, serviceUnavailable } from '@hubspoke/api';
import type { ApiRequest } from '../request/context.ts';
import type { Storage } from '../storage/interface.ts';
import { backendTarget, parseProxyId, type BackendDialDeps, type ProxyTarget } from './proxy-backend.ts';

interface ServicePort {
  name?: string;
  port?: number;
}

interface EndpointSubset {
  addresses?: { ip?: string }[];
  ports?: { name?: string; port?: number }[];
}

/** What services/proxy needs. */
export interface ServiceProxyDeps extends BackendDialDeps {
  objects: Pick<Storage, 'get'>;
}

/** Resolve the target of a services/proxy request; 404 unknown service, 503 when nothing can serve it. */
export async function serviceProxyTarget(deps: ServiceProxyDeps, req: ApiRequest): Promise<ProxyTarget> {
  const { namespace } = req.info;
  const id = parseProxyId('service', req.info.name);
  const svc = await deps.objects.get('services', namespace, id.name);
  if (!svc) throw notFound({ group: '', resource: 'services' }, id.name);
  let portName = id.port;
  // A port number is translated to the declared service port's name, as Kubernetes does.
  if (/^\d+$/.test(portName)) {
    const declared = ((svc.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []).find((p) => p.port === Number(portName));
    if (!declared) throw serviceUnavailable(`no service port ${Number(portName)} found for service ${JSON.stringify(id.name)}`);
    portName = declared.name ?? '';
  }
  const endpoints = await deps.objects.get('endpoints', namespace, id.name);
  const subsets = (endpoints as { subsets?: EndpointSubset[] } | undefined)?.subsets ?? [];
  for (const subset of subsets) {
    const ip = subset.addresses?.find((a) => a.ip)?.ip;
    const port = subset.ports?.find((p) => (p.name ?? '') === portName)?.port;
    if (ip && port) return backendTarget(deps, req, id.scheme, { host: ip, port });
  }
  throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(id.name)}`);
}

