// pods/proxy: `…/namespaces/NS/pods/ID/proxy/PATH` → the pod's IP, with Kubernetes' rules: the address is the
// pod's first IP and must be global unicast (so a pod without an IP yet is `address not allowed`); the port is
// the id's, else the first declared containerPort, else the scheme's own (80, or 443 for https:). A numeric port
// is passed through unchecked and fails at the dial, as in Kubernetes. A port name is a hubspoke extension:
// Kubernetes hands it to Go's URL parser, which rejects it, and the apiserver panics; here it names a declared
// containerPort.
import { badRequest } from '@hubspoke/api';
import type { ApiRequest } from '../request/context.ts';
import type { Storage } from '../storage/interface.ts';
import { backendTarget, dialPort, parseProxyId, requireProxyableIP, type BackendDialDeps, type DialPort, type ProxyId, type ProxyTarget } from './proxy-backend.ts';
import { getPod } from './pod-target.ts';

interface ContainerPort {
  name?: string;
  containerPort?: number;
}

interface PodShape {
  spec?: { containers?: { ports?: ContainerPort[] }[] };
  status?: { podIP?: string; podIPs?: { ip?: string }[] };
}

/** What pods/proxy needs. */
export interface PodProxyDeps extends BackendDialDeps {
  objects: Pick<Storage, 'get'>;
}

/** Resolve the target of a pods/proxy request; 404 for an unknown pod, 400 for an unusable address or port name. */
export async function podProxyTarget(deps: PodProxyDeps, req: ApiRequest): Promise<ProxyTarget> {
  const id = parseProxyId('pod', req.info.name);
  const pod = (await getPod(deps.objects, req.info.namespace, id.name)) as PodShape;
  const host = podIP(pod);
  requireProxyableIP(host, deps.proxyAllowLoopback ?? false);
  return backendTarget(deps, req, { scheme: id.scheme, host, port: resolvePodPort(pod, id, host) });
}

// The pod's primary IP: `status.podIPs[0]`, or `status.podIP` from writers that set only that.
function podIP(pod: PodShape): string {
  return pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '';
}

function resolvePodPort(pod: PodShape, id: ProxyId, host: string): DialPort {
  // Kubernetes takes the first port of the first container that declares any.
  const declared = (pod.spec?.containers ?? []).find((c) => (c.ports ?? []).length > 0)?.ports?.[0]?.containerPort;
  const requested = id.port || (declared === undefined ? '' : String(declared));
  if (requested === '') return { kind: 'port', port: id.scheme === 'https' ? 443 : 80 };
  if (/^\d+$/.test(requested)) return dialPort(host, requested);
  const named = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.name === requested)?.containerPort;
  if (named === undefined) throw badRequest(`no container port named ${JSON.stringify(requested)}`);
  return dialPort(host, String(named));
}
