// pods/exec, pods/attach and pods/portforward: where on which kubelet the stream goes. Deciding the location
// lives here; moving the bytes is the upgrade-aware proxy's job.
import { joinHostPort, type Endpoint } from '../kubelet/dialer.ts';
import { resolveKubelet } from '../kubelet/node-address.ts';
import type { RequestInfo } from '../request/request-info.ts';
import {
  kubeletPortForwardQuery,
  kubeletStreamQuery,
  parsePodStreamOptions,
  parsePortForwardPorts,
} from './connect-options.ts';
import type { KubeletAccess } from './pod-log.ts';
import { getPod, requireNode, resolveContainer } from './pod-target.ts';

/** The streaming subresources of a pod. */
export type PodStream = 'exec' | 'attach' | 'portforward';

/** A kubelet URL and the endpoint to dial for it. */
export interface KubeletLocation {
  url: URL;
  endpoint: Endpoint;
}

/** Kubernetes' ExecLocation / AttachLocation / PortForwardLocation for the request `info`. */
export async function podStreamLocation(deps: KubeletAccess, stream: PodStream, info: RequestInfo): Promise<KubeletLocation> {
  const { namespace, name } = info;
  if (stream === 'portforward') {
    const ports = parsePortForwardPorts(info.query);
    const pod = await getPod(deps.objects, namespace, name);
    const endpoint = await resolveKubelet(deps.objects, requireNode(pod), deps.preferredAddressTypes);
    return at(endpoint, `/portForward/${enc(namespace)}/${enc(name)}`, kubeletPortForwardQuery(ports));
  }
  const opts = parsePodStreamOptions(info.query);
  const pod = await getPod(deps.objects, namespace, name);
  const container = resolveContainer(pod, opts.container);
  const endpoint = await resolveKubelet(deps.objects, requireNode(pod), deps.preferredAddressTypes);
  const query = kubeletStreamQuery(opts, stream === 'exec');
  return at(endpoint, `/${stream}/${enc(namespace)}/${enc(name)}/${enc(container)}`, query);
}

function at(endpoint: Endpoint, path: string, query: string): KubeletLocation {
  return { endpoint, url: new URL(`https://${joinHostPort(endpoint)}${path}${query ? `?${query}` : ''}`) };
}

function enc(text: string): string {
  return encodeURIComponent(text);
}
