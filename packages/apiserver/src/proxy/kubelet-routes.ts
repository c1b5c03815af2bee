// Every API subresource the apiserver serves by talking to a kubelet or proxying to a node, pod or service, in
// one table: pods/log, pods/exec, pods/attach, pods/portforward, nodes/proxy, pods/proxy and services/proxy.
// Each entry answers plain HTTP requests and, where Kubernetes allows it, upgrades; the server reaches them
// only after authentication and authorization.
import type { IncomingMessage } from 'node:http';
import { badRequest, methodNotAllowed, serviceUnavailable } from '@hubspoke/api';
import type { Authorizer } from '@hubspoke/auth';
import type { ApiRequest, ApiResponse } from '../request/context.ts';
import type { RequestInfo } from '../request/request-info.ts';
import { DialError } from '../kubelet/dialer.ts';
import { forwardHeaders } from './forward-headers.ts';
import { BackendRequestError, sendBackendRequest } from './http-proxy.ts';
import { nodeProxyTarget, type NodeProxyDeps } from './node-proxy.ts';
import { podProxyTarget } from './pod-proxy.ts';
import type { ProxyTarget } from './proxy-backend.ts';
import { serviceProxyTarget } from './service-proxy.ts';
import { podLog } from './pod-log.ts';
import { podStreamLocation, type PodStream } from './pod-streams.ts';
import type { RelayedResponse } from './relayed-response.ts';
import { proxyUpgrade, type UpgradeConnection, type UpgradeOutcome } from './upgrade-aware-proxy.ts';
import { requireCreatePermission } from './websocket-create-permission.ts';

/** One kubelet-backed subresource. */
export interface KubeletRoute {
  /** `pods/exec`, `nodes/proxy`, … */
  name: string;
  /** The HTTP methods Kubernetes accepts here; others get 405 before anything else happens. */
  methods: readonly string[];
  /** Answer a plain HTTP request. */
  serve(req: ApiRequest): Promise<ApiResponse | RelayedResponse>;
  /** Proxy an upgrade request; absent when the subresource is never upgraded. */
  upgrade?(req: ApiRequest, conn: UpgradeConnection): Promise<UpgradeOutcome>;
}

/** What the routes need (`proxyAllowLoopback`, from NodeProxyDeps, is the lab's loopback rule for all three proxies). */
export interface KubeletRoutesDeps extends NodeProxyDeps {
  authorizer: Authorizer;
  /** AuthorizePodWebsocketUpgradeCreatePermission. */
  websocketNeedsCreate: boolean;
}

const STREAM_METHODS = ['GET', 'POST'];
const PROXY_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** The route table. */
export function kubeletRoutes(deps: KubeletRoutesDeps): KubeletRoute[] {
  const stream = (kind: PodStream): KubeletRoute => ({
    name: `pods/${kind}`,
    methods: STREAM_METHODS,
    async serve(req) {
      await requireCreateForWebsocket(deps, req);
      await podStreamLocation(deps, kind, req.info);
      throw badRequest('Upgrade request required');
    },
    async upgrade(req, conn) {
      await requireCreateForWebsocket(deps, req);
      const location = await podStreamLocation(deps, kind, req.info);
      return proxyUpgrade({
        client: conn,
        backend: { url: location.url, dial: () => deps.kubelet.connect(location.endpoint) },
        method: req.method,
        headers: forwardHeaders({ rawHeaders: conn.rawHeaders, filtered: req.headers, host: location.url.host, remoteAddress: req.remoteAddress, upgrade: true }),
        log: deps.log,
      });
    },
  });
  const proxyRoute = (name: string, resolve: (req: ApiRequest) => Promise<ProxyTarget>): KubeletRoute => ({
    name,
    methods: PROXY_METHODS,
    serve: async (req) => serveProxy(deps, req, await resolve(req)),
    async upgrade(req, conn) {
      const target = await resolve(req);
      return proxyUpgrade({
        client: conn,
        backend: { url: target.url, dial: target.connect },
        method: req.method,
        headers: forwardHeaders({ rawHeaders: conn.rawHeaders, filtered: req.headers, host: target.url.host, remoteAddress: req.remoteAddress, upgrade: true }),
        log: deps.log,
      });
    },
  });
  const routes: KubeletRoute[] = [
    { name: 'pods/log', methods: ['GET'], serve: (req) => podLog(deps, req) },
    stream('exec'),
    stream('attach'),
    stream('portforward'),
    proxyRoute('nodes/proxy', (req) => nodeProxyTarget(deps, req)),
    proxyRoute('pods/proxy', (req) => podProxyTarget(deps, req)),
    proxyRoute('services/proxy', (req) => serviceProxyTarget(deps, req)),
  ];
  return routes.map(withMethodCheck);
}

function withMethodCheck(route: KubeletRoute): KubeletRoute {
  const allowed = (req: ApiRequest): void => {
    if (!route.methods.includes(req.method.toUpperCase())) throw methodNotAllowed();
  };
  const { serve, upgrade } = route;
  return {
    ...route,
    serve: async (req) => {
      allowed(req);
      return serve(req);
    },
    upgrade: upgrade
      ? async (req, conn) => {
          allowed(req);
          return upgrade(req, conn);
        }
      : undefined,
  };
}

/** The route for a request, if it targets a kubelet-backed subresource (`/api/v1/…` only). */
export function findKubeletRoute(routes: readonly KubeletRoute[], info: RequestInfo): KubeletRoute | undefined {
  if (!info.isResourceRequest || info.apiPrefix !== 'api' || info.apiVersion !== 'v1' || !info.name || !info.subresource) return undefined;
  if ((info.resource === 'pods' || info.resource === 'services') && !info.namespace) return undefined;
  if (info.resource === 'nodes' && info.namespace) return undefined;
  return routes.find((r) => r.name === `${info.resource}/${info.subresource}`);
}

async function requireCreateForWebsocket(deps: KubeletRoutesDeps, req: ApiRequest): Promise<void> {
  if (deps.websocketNeedsCreate && req.method.toUpperCase() === 'GET') await requireCreatePermission(req, deps.authorizer);
}

async function serveProxy(deps: KubeletRoutesDeps, req: ApiRequest, target: ProxyTarget): Promise<ApiResponse | RelayedResponse> {
  const method = req.method.toUpperCase();
  // Kubernetes redirects an empty proxy path to the directory form (issue 4958).
  if (target.emptyPath && (method === 'GET' || method === 'HEAD')) {
    return { status: 301, body: '', headers: { location: `${target.prefix}/${target.url.search}` } };
  }
  let res: IncomingMessage;
  try {
    const connection = await target.connect();
    res = await sendBackendRequest({
      connection,
      url: target.url,
      method,
      headers: forwardHeaders({ rawHeaders: flatten(req.headers), filtered: req.headers, host: target.url.host, remoteAddress: req.remoteAddress, upgrade: false }),
      body: req.body,
    });
  } catch (err) {
    if (!(err instanceof DialError || err instanceof BackendRequestError)) throw err;
    deps.log?.info({ resource: req.info.resource, name: req.info.name, err: err.message }, 'proxy request failed');
    // apimachinery's proxy transport wraps every round-trip failure this way, kubelet and pod alike.
    throw serviceUnavailable(`error trying to reach service: ${err.message}`);
  }
  return { relay: { status: res.statusCode ?? 502, headers: responseHeaders(res, target.url, target.prefix), body: res } };
}

const RESPONSE_DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  // Kubernetes' corsRemovingTransport: a backend does not get to grant cross-origin access to the apiserver.
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'access-control-allow-methods',
  'access-control-allow-origin',
]);

// The backend's response headers; a redirect to the backend itself is rewritten to go through the proxy path
// (Kubernetes' proxy transport does the same), and any other Location is passed on untouched, never followed.
function responseHeaders(res: IncomingMessage, backend: URL, prefix: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i].toLowerCase();
    if (RESPONSE_DROPPED.has(name)) continue;
    const value = res.rawHeaders[i + 1];
    const prev = out[name];
    out[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  const location = typeof out.location === 'string' ? out.location : undefined;
  if (location) {
    const target = new URL(location, backend);
    if (target.origin === backend.origin) out.location = `${prefix}${target.pathname}${target.search}`;
  }
  return out;
}

function flatten(headers: ApiRequest['headers']): string[] {
  return Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).flatMap((v) => [name, String(v)]),
  );
}
