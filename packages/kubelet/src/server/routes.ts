// The kubelet's route table, in one place. Each route names the authorization subresource Kubernetes
// checks for it (nodes/proxy, nodes/stats, nodes/metrics, nodes/log) and whether the read-only port
// serves it, so authentication and authorization can be layered on by walking this table.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveContainerLogs } from '../streaming/container-logs.ts';
import { portForwardHandler, portForwardUpgrade } from '../streaming/port-forward-endpoint.ts';
import { remoteCommandHandler, remoteCommandUpgrade } from '../streaming/remote-command-endpoint.ts';
import { serveRunInContainer } from '../streaming/run-in-container.ts';
import type { UpgradeRequest } from '../streaming/types.ts';
import type { KubeletHost } from './host.ts';

/** The `nodes/<subresource>` a request is authorized against. */
export type AuthorizationSubresource = 'proxy' | 'stats' | 'metrics' | 'log';

/** One request in flight, with its route parameters. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  host: KubeletHost;
}

/** One entry of the table; `path` segments starting with `:` are parameters. */
export interface KubeletRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  subresource: AuthorizationSubresource;
  /** Also served, without authentication, on the read-only port. */
  readOnly: boolean;
  handler(ctx: RouteContext): void | Promise<void>;
  /**
   * For routes that accept connection upgrades (exec, attach, portForward): called from the server's
   * `upgrade` event after the same authentication and authorization as `handler`.
   */
  upgrade?(ctx: UpgradeContext): void | Promise<void>;
}

/** An upgrade request in flight, with its route parameters. */
export interface UpgradeContext extends UpgradeRequest {
  host: KubeletHost;
}

/** Kubernetes' rule (pkg/kubelet/server/auth.go): the subresource follows from the path prefix. */
export function subresourceForPath(path: string): AuthorizationSubresource {
  if (path === '/stats' || path.startsWith('/stats/')) return 'stats';
  if (path === '/metrics' || path.startsWith('/metrics/')) return 'metrics';
  if (path === '/logs' || path.startsWith('/logs/')) return 'log';
  return 'proxy';
}

/** Every route the kubelet serves. */
export const kubeletRoutes: readonly KubeletRoute[] = [
  {
    method: 'GET',
    path: '/healthz',
    subresource: 'proxy',
    readOnly: true,
    handler: ({ res }) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('ok');
    },
  },
  {
    method: 'GET',
    path: '/pods',
    subresource: 'proxy',
    readOnly: true,
    handler: ({ res, host }) => {
      const body = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: host.pods() });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
    },
  },
  {
    method: 'GET',
    path: '/containerLogs/:namespace/:pod/:container',
    subresource: 'proxy',
    readOnly: false,
    handler: serveContainerLogs,
  },
  ...streamingRoutes('/exec/:namespace/:pod/:container', remoteCommandHandler('exec'), remoteCommandUpgrade('exec')),
  ...streamingRoutes('/attach/:namespace/:pod/:container', remoteCommandHandler('attach'), remoteCommandUpgrade('attach')),
  ...streamingRoutes('/portForward/:namespace/:pod', portForwardHandler, portForwardUpgrade),
  {
    method: 'POST',
    path: '/run/:namespace/:pod/:container',
    subresource: 'proxy',
    readOnly: false,
    handler: serveRunInContainer,
  },
];

/** exec, attach and portForward answer GET (WebSocket) and POST (SPDY) alike. */
function streamingRoutes(path: string, handler: KubeletRoute['handler'], upgrade: NonNullable<KubeletRoute['upgrade']>): KubeletRoute[] {
  return (['GET', 'POST'] as const).map((method) => ({ method, path, subresource: 'proxy', readOnly: false, handler, upgrade }));
}
