// pods/proxy: `…/namespaces/NS/pods/ID/proxy/PATH` → the pod's IP. The port is the one in the id (a number or
// a declared containerPort's name), else the first declared containerPort, else 80 — Kubernetes' rules.
import { badRequest } from '@hubspoke/api';
import type { ApiRequest } from '../request/context.ts';
import type { Storage } from '../storage/interface.ts';
import { backendTarget, parseProxyId, type BackendDialDeps, type ProxyTarget } from './proxy-backend.ts';
import { getPod } from './pod-target.ts';

interface ContainerPort {
  name?: string;
  containerPort?: number;
}

interface PodShape {
  spec?: { containers?: { ports?: ContainerPort[] }[] };
  status?: { podIP?: string };
}

/** What pods/proxy needs. */
export interface PodProxyDeps extends BackendDialDeps {
  objects: Pick<Storage, 'get'>;
}

/** Resolve the target of a pods/proxy request; 404 for an unknown pod, 400 for an unusable port or address. */
export async function podProxyTarget(deps: PodProxyDeps, req: ApiRequest): Promise<ProxyTarget> {
  const id = parseProxyId('pod', req.info.name);
  const pod = (await getPod(deps.objects, req.info.namespace, id.name)) as PodShape;
  const ports = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
  const port = resolvePodPort(ports, id.port);
  return backendTarget(deps, req, id.scheme, { host: pod.status?.podIP ?? '', port });
}

function resolvePodPort(ports: readonly ContainerPort[], requested: string): number {
  if (requested === '') return ports.find((p) => p.containerPort)?.containerPort ?? 80;
  if (/^\d+$/.test(requested)) {
    const n = Number(requested);
    if (n >= 1 && n <= 65535) return n;
    throw badRequest(`invalid port ${JSON.stringify(requested)}`);
  }
  const named = ports.find((p) => p.name === requested)?.containerPort;
  if (!named) throw badRequest(`no container port named ${JSON.stringify(requested)}`);
  return named;
}
