// Non-resource endpoints: /version, health checks and discovery.
import { notFound, type ResourceCatalog } from '@hubspoke/api';
import { ApiError } from '@hubspoke/api';
import {
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  apiGroup,
} from '@hubspoke/api';
import { negotiateAggregatedDiscovery } from '../http/negotiate.ts';
import type { OidcDiscovery } from './oidc-discovery.ts';
import type { OpenApiV3 } from './openapi.ts';
import type { ApiRequest, ApiResponse } from '../request/context.ts';

/** The version this apiserver reports; kubectl's dispatcher picks kubectl.1.<minor> from it. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0+hubspoke',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-28T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

/** What the non-resource handlers need. */
export interface NonResourceContext {
  catalog: ResourceCatalog;
  openapi: OpenApiV3;
  serverAddress: string;
  /** ServiceAccount issuer discovery; absent when no keys are configured (the paths are then unknown). */
  oidc?: OidcDiscovery;
  ready(): boolean;
}

const HEALTH = new Set(['/healthz', '/livez', '/readyz']);

/** Answer a non-resource request, or throw 404. */
export function nonResource(ctx: NonResourceContext, req: ApiRequest): ApiResponse {
  const path = req.info.path.replace(/\/+$/, '') || '/';
  if (path === '/version') return json(SERVER_VERSION);
  if (HEALTH.has(path) || /^\/(healthz|livez|readyz)\/[a-z-]+$/.test(path)) {
    const ok = path.startsWith('/readyz') ? ctx.ready() : true;
    const verbose = req.info.query.has('verbose');
    const text = verbose ? `[+]ping ok\n[${ok ? '+' : '-'}]poststarthook/hubspoke-bootstrap ${ok ? 'ok' : 'failed: not finished'}\n${ok ? `${path.slice(1)} check passed` : `${path.slice(1)} check failed`}\n` : ok ? 'ok' : 'not ready';
    return { status: ok ? 200 : 500, body: text, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } };
  }
  const discovered = ctx.oidc?.serve(path, ctx.serverAddress);
  if (discovered) return discovered;
  if (path === '/openapi/v3') return json(ctx.openapi.index());
  if (path.startsWith('/openapi/v3/')) {
    const doc = ctx.openapi.document(path.slice('/openapi/v3/'.length));
    if (doc === undefined) throw notFoundPath();
    return { status: 200, body: doc, headers: { 'content-type': 'application/json', 'cache-control': 'public, immutable' } };
  }
  const aggregated = negotiateAggregatedDiscovery(req.headers.accept);
  if (path === '/api') {
    if (aggregated) return discovery(aggregatedDiscovery(ctx.catalog, { scope: 'core', version: aggregated }), aggregated);
    return json(apiVersions(ctx.catalog, { serverAddress: ctx.serverAddress }));
  }
  if (path === '/apis') {
    if (aggregated) return discovery(aggregatedDiscovery(ctx.catalog, { scope: 'groups', version: aggregated }), aggregated);
    return json(apiGroupList(ctx.catalog));
  }
  const core = /^\/api\/([^/]+)$/.exec(path);
  if (core) return json(found(apiResourceList(ctx.catalog, '', core[1])));
  const group = /^\/apis\/([^/]+)$/.exec(path);
  if (group) return json(found(apiGroup(ctx.catalog, group[1])));
  const groupVersion = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (groupVersion) return json(found(apiResourceList(ctx.catalog, groupVersion[1], groupVersion[2])));
  throw notFoundPath();
}

function found<T>(value: T | undefined): T {
  if (value === undefined) throw notFoundPath();
  return value;
}

/** 404 as the apiserver words it for an unknown path. */
export function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

function json(body: unknown): ApiResponse {
  return { status: 200, body };
}

function discovery(body: unknown, version: string): ApiResponse {
  return {
    status: 200,
    body,
    headers: {
      'content-type': `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
      vary: 'Accept',
    },
  };
}

export { notFound };
