// pods/log: validate the options, find the container and its node's kubelet, and stream
// `GET /containerLogs/NS/POD/CONTAINER?…` back as text/plain. A kubelet error status becomes the Status the
// apiserver returns; a connection failure is Go's `Get "URL": …`, the text kubectl prints after `Error from server:`.
import { ApiError } from '@hubspoke/api';
import type { Logger } from 'pino';
import type { KubeletClient } from '../kubelet/client.ts';
import { joinHostPort } from '../kubelet/dialer.ts';
import { resolveKubelet } from '../kubelet/node-address.ts';
import type { ApiRequest, ApiResponse } from '../request/context.ts';
import type { Storage } from '../storage/interface.ts';
import { backendStatusError, isStreamableStatus } from './backend-status.ts';
import { kubeletLogQuery, parsePodLogOptions, validatePodLogOptions } from './connect-options.ts';
import { sendBackendRequest } from './http-proxy.ts';
import { getPod, nodeNameOf, resolveContainer } from './pod-target.ts';
import type { RelayedResponse } from './relayed-response.ts';

/** What pods/log needs. */
export interface KubeletAccess {
  objects: Pick<Storage, 'get'>;
  kubelet: KubeletClient;
  preferredAddressTypes: readonly string[];
  log?: Logger;
}

/** Serve `GET …/pods/NAME/log`. */
export async function podLog(deps: KubeletAccess, req: ApiRequest): Promise<ApiResponse | RelayedResponse> {
  const { namespace, name } = req.info;
  const opts = parsePodLogOptions(req.info.query);
  validatePodLogOptions(opts, name);
  const pod = await getPod(deps.objects, namespace, name);
  const container = resolveContainer(pod, opts.container);
  const nodeName = nodeNameOf(pod);
  // An unscheduled pod has no logs yet: Kubernetes answers an empty stream, not an error.
  if (!nodeName) return { status: 200, body: '', headers: { 'content-type': 'text/plain' } };

  const endpoint = await resolveKubelet(deps.objects, nodeName, deps.preferredAddressTypes);
  const query = kubeletLogQuery(opts);
  const path = `/containerLogs/${segment(namespace)}/${segment(name)}/${segment(container)}`;
  const url = new URL(`https://${joinHostPort(endpoint)}${path}${query ? `?${query}` : ''}`);
  let res;
  try {
    const connection = await deps.kubelet.connect(endpoint);
    res = await sendBackendRequest({ connection, url, method: 'GET', headers: { host: url.host, 'user-agent': 'kube-apiserver' } });
  } catch (err) {
    // Go's *url.Error: the client's error, prefixed with the method and the quoted URL.
    deps.log?.info({ node: nodeName, err: (err as Error).message }, 'kubelet log request failed');
    throw new ApiError(500, '', `Get "${url.href}": ${(err as Error).message}`);
  }
  if (!isStreamableStatus(res.statusCode ?? 0)) throw await backendStatusError(res, { resource: 'pods/log', name });
  // Node writes every chunk as it arrives, so `follow` streams line by line without an explicit flush.
  return { relay: { status: 200, headers: { 'content-type': 'text/plain' }, body: res } };
}

function segment(text: string): string {
  return encodeURIComponent(text);
}
