import { describe, expect, it } from 'vitest';
import { matchRoute } from './router.ts';
import { kubeletRoutes, subresourceForPath } from './routes.ts';

/** A concrete path for a route pattern, parameters filled with sample values. */
function samplePath(pattern: string): string {
  return pattern.replace(/:[^/]+/g, 'x');
}

describe('kubelet route table', () => {
  it('gives every route the authorization subresource Kubernetes derives from its path', () => {
    expect(kubeletRoutes.length).toBeGreaterThan(0);
    for (const route of kubeletRoutes) {
      expect({ path: route.path, subresource: route.subresource }).toEqual({
        path: route.path,
        subresource: subresourceForPath(samplePath(route.path)),
      });
    }
  });

  it('routes every entry to itself and nothing else', () => {
    for (const route of kubeletRoutes) {
      const result = matchRoute(kubeletRoutes, route.method, samplePath(route.path));
      expect(result.kind).toBe('match');
      if (result.kind === 'match') expect(result.match.route).toBe(route);
    }
  });

  it('serves only /healthz and /pods on the read-only port', () => {
    expect(kubeletRoutes.filter((r) => r.readOnly).map((r) => r.path).sort()).toEqual(['/healthz', '/pods']);
  });

  it('maps stats, metrics and logs paths to their own subresources', () => {
    expect(subresourceForPath('/stats/summary')).toBe('stats');
    expect(subresourceForPath('/metrics/cadvisor')).toBe('metrics');
    expect(subresourceForPath('/logs/syslog')).toBe('log');
    expect(subresourceForPath('/containerLogs/ns/p/c')).toBe('proxy');
    expect(subresourceForPath('/statsx')).toBe('proxy');
  });
});

describe('matchRoute', () => {
  const routes = [
    { method: 'GET' as const, path: '/containerLogs/:namespace/:pod/:container', subresource: 'proxy' as const, readOnly: false, handler: () => {} },
  ];

  it('extracts decoded parameters', () => {
    const result = matchRoute(routes, 'GET', '/containerLogs/kube-system/my%20pod/c');
    expect(result).toMatchObject({ kind: 'match', match: { params: { namespace: 'kube-system', pod: 'my pod', container: 'c' } } });
  });

  it('answers not-found for unknown paths and empty parameters, method-not-allowed for a known path', () => {
    expect(matchRoute(routes, 'GET', '/containerLogs/ns/p').kind).toBe('not-found');
    expect(matchRoute(routes, 'GET', '/containerLogs/ns//c').kind).toBe('not-found');
    expect(matchRoute(routes, 'POST', '/containerLogs/ns/p/c').kind).toBe('method-not-allowed');
    expect(matchRoute(routes, 'HEAD', '/containerLogs/ns/p/c').kind).toBe('match');
  });
});
