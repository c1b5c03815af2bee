import { describe, expect, it } from 'vitest';
import { kubeletRoutes } from '../server/routes.ts';

describe('streaming routes', () => {
  const find = (method: string, path: string) => kubeletRoutes.find((r) => r.method === method && r.path === path);

  it('serves exec, attach and portForward on GET (WebSocket) and POST (SPDY) with an upgrade handler', () => {
    for (const path of ['/exec/:namespace/:pod/:container', '/attach/:namespace/:pod/:container', '/portForward/:namespace/:pod']) {
      for (const method of ['GET', 'POST']) {
        const route = find(method, path);
        expect(route, `${method} ${path}`).toBeDefined();
        expect(typeof route?.upgrade).toBe('function');
      }
    }
  });

  it('authorizes every streaming route as nodes/proxy and keeps it off the read-only port', () => {
    const streaming = kubeletRoutes.filter((r) => /^\/(containerLogs|exec|attach|portForward|run)\//.test(r.path));
    expect(streaming.map((r) => `${r.method} ${r.path.split('/')[1]}`).sort()).toEqual([
      'GET attach',
      'GET containerLogs',
      'GET exec',
      'GET portForward',
      'POST attach',
      'POST exec',
      'POST portForward',
      'POST run',
    ]);
    for (const route of streaming) expect(route).toMatchObject({ subresource: 'proxy', readOnly: false });
  });
});
