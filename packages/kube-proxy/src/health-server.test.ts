import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer, goTimeString } from './health-server.ts';
import type { RunningServer } from './http-server.ts';
import { ProxyMetrics } from './metrics.ts';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(address: string, path: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(`http://${address}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('goTimeString', () => {
  it('prints like Go time.Time String() in UTC, trimming trailing zeros of the fraction', () => {
    expect(goTimeString(new Date('2024-03-05T07:08:09.120Z'))).toBe('2024-03-05 07:08:09.12 +0000 UTC');
    expect(goTimeString(new Date('2024-03-05T07:08:09.000Z'))).toBe('2024-03-05 07:08:09 +0000 UTC');
  });
});

describe('health server', () => {
  it('answers 503 with the zero time before the first sync, then 200 with the current time', async () => {
    let last: Date | undefined;
    const metrics = new ProxyMetrics();
    server = await startHealthServer({ host: '127.0.0.1', port: 0 }, { lastUpdated: () => last, nodeEligible: () => true }, metrics);
    const before = await get(server.address, '/healthz');
    expect(before.status).toBe(503);
    expect(before.type).toBe('application/json');
    expect(JSON.parse(before.body)).toMatchObject({ lastUpdated: '0001-01-01 00:00:00 +0000 UTC', nodeEligible: true });
    expect((await get(server.address, '/livez')).status).toBe(503);

    last = new Date();
    const after = await get(server.address, '/healthz');
    expect(after.status).toBe(200);
    const body = JSON.parse(after.body) as Record<string, unknown>;
    expect(body.lastUpdated).toBe(body.currentTime);
    expect(Object.keys(body)).toEqual(['lastUpdated', 'currentTime', 'nodeEligible']);
    const livez = await get(server.address, '/livez');
    expect([livez.status, Object.keys(JSON.parse(livez.body))]).toEqual([200, ['lastUpdated', 'currentTime']]);
    expect(metrics.render()).toContain('kubeproxy_proxy_healthz_total{code="503"} 1');
  });

  it('fails /healthz but not /livez while the node is being deleted', async () => {
    server = await startHealthServer({ host: '127.0.0.1', port: 0 }, { lastUpdated: () => new Date(), nodeEligible: () => false }, new ProxyMetrics());
    const healthz = await get(server.address, '/healthz');
    expect([healthz.status, JSON.parse(healthz.body).nodeEligible]).toEqual([503, false]);
    expect((await get(server.address, '/livez')).status).toBe(200);
  });

  it('answers other paths with Go\'s 404', async () => {
    server = await startHealthServer({ host: '127.0.0.1', port: 0 }, { lastUpdated: () => undefined, nodeEligible: () => true }, new ProxyMetrics());
    expect(await get(server.address, '/metrics')).toMatchObject({ status: 404, body: '404 page not found\n' });
  });
});
