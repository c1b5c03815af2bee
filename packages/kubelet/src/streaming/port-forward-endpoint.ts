// `/portForward/NS/P`: checks in the kubelet's order (the WebSocket `port` query, then the pod), refusing
// before any upgrade, then forwards the session's streams to the pod's IP. Without an upgrade the answer is
// 400 `Upgrade request required`.
import { writeRawResponse } from '../server/raw-response.ts';
import type { RouteContext, UpgradeContext } from '../server/routes.ts';
import { DEFAULT_STREAMING_IDLE_TIMEOUT_MS } from './idle-timeout.ts';
import { servePortForward } from './port-forward.ts';
import { upgradeRequired, writeTextResponse } from './text-response.ts';
import { acceptPortForward, upgradeKind } from './transport.ts';
import { parsePortForwardPorts } from './websocket/port-forward.ts';

/** The route handler for a request that did not ask for an upgrade. */
export function portForwardHandler({ res, params, host }: RouteContext): void {
  if (!host.pod(params.namespace, params.pod)) return writeTextResponse(res, 404, 'pod does not exist');
  upgradeRequired(res);
}

/** The route's upgrade handler. */
export async function portForwardUpgrade(ctx: UpgradeContext): Promise<void> {
  const { params, query, host, socket } = ctx;
  let ports: number[] = [];
  // Only the channel protocol names ports up front; SPDY clients name one per stream.
  if (upgradeKind(ctx.req, { portForward: true }) === 'websocket') {
    const parsed = parsePortForwardPorts(query);
    if (parsed.kind === 'invalid') return writeRawResponse(socket, 400, parsed.message);
    ports = parsed.ports;
  }
  const pod = host.pod(params.namespace, params.pod);
  const podIP = host.podIP(params.namespace, params.pod);
  if (!pod || !podIP) return writeRawResponse(socket, 404, 'pod does not exist');
  const session = await acceptPortForward(ctx, ports);
  if (!session) return;
  servePortForward({
    session,
    podIP,
    podUID: pod.metadata.uid ?? '',
    idleTimeoutMs: host.streamingConnectionIdleTimeoutMs ?? DEFAULT_STREAMING_IDLE_TIMEOUT_MS,
  });
}
