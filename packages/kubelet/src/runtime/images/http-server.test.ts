import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeFixture, testPod, waitForLog } from '../testing.ts';
import type { ContainerHandle } from '../types.ts';

const pod = testPod(23, 'web-0');

async function baseUrl(handle: ContainerHandle): Promise<string> {
  const match = await waitForLog(handle, /listening on (http:\/\/\S+)/);
  return match[1];
}

describe('hubspoke/http-server', () => {
  let fixture: Awaited<ReturnType<typeof runtimeFixture>>;
  beforeEach(async () => (fixture = await runtimeFixture(pod)));
  afterEach(() => fixture.cleanup());

  it('serves a page naming the pod on the pod IP', async () => {
    const handle = await fixture.start({ image: 'hubspoke/http-server', env: { PORT: '0' } });
    const url = await baseUrl(handle);
    expect(url).toMatch(/^http:\/\/127\.244\.250\.23:\d+$/);
    expect(handle.listeners()).toEqual([{ name: 'http', address: pod.ip, port: Number(new URL(url).port) }]);
    const res = await fetch(`${url}/`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('Hello from pod default/web-0');
  });

  it('echoes request headers as JSON and the request body back', async () => {
    const url = await baseUrl(await fixture.start({ image: 'hubspoke/http-server', env: { PORT: '0' } }));
    const headers = await (await fetch(`${url}/headers`, { headers: { 'X-Probe': 'seen' } })).json();
    expect(headers).toMatchObject({ 'x-probe': 'seen' });
    const body = Buffer.alloc(200_000, 'b');
    const echoed = await fetch(`${url}/echo`, { method: 'POST', body, headers: { 'Content-Type': 'text/plain' } });
    expect(echoed.headers.get('content-type')).toBe('text/plain');
    expect(Buffer.from(await echoed.arrayBuffer()).equals(body)).toBe(true);
  });

  it('streams N bytes where byte i is i mod 256', async () => {
    const url = await baseUrl(await fixture.start({ image: 'hubspoke/http-server', env: { PORT: '0' } }));
    const bytes = Buffer.from(await (await fetch(`${url}/bytes?n=200000`)).arrayBuffer());
    expect(bytes.length).toBe(200_000);
    expect(bytes.every((b, i) => b === i % 256)).toBe(true);
    expect((await fetch(`${url}/bytes?n=-1`)).status).toBe(400);
    expect((await fetch(`${url}/nothing-here`)).status).toBe(404);
  });

  it('logs requests to stdout in the combined format', async () => {
    const handle = await fixture.start({ image: 'nginx:1.27', ports: [{ containerPort: 0 }] });
    const url = await baseUrl(handle);
    await (await fetch(`${url}/healthz`, { headers: { 'User-Agent': 'probe/1' } })).text();
    const [line] = await waitForLog(handle, /^stdout F .*GET \/healthz.*$/);
    expect(line).toMatch(/^stdout F \S+ - - \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/healthz HTTP\/1\.1" 200 3 "-" "probe\/1"$/);
  });

  it('logs a bind failure to stderr and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, pod.ip, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const handle = await fixture.start({ image: 'hubspoke/http-server', ports: [{ containerPort: port }] });
      expect(await handle.exited).toMatchObject({ exitCode: 1, reason: 'Error' });
      await waitForLog(handle, new RegExp(`^stderr F http-server: \\[emerg\\] bind\\(\\) to ${pod.ip.replace(/\./g, '\\.')}:${port} failed \\(EADDRINUSE`));
    } finally {
      blocker.close();
    }
  });

  it('listens on port 80 as nginx when nothing says otherwise', async () => {
    const handle = await fixture.start({ image: 'nginx' });
    // As root the bind succeeds; otherwise ports below 1024 are refused and nginx exits 1 saying so.
    const [record] = await waitForLog(handle, /listening on http:\/\/\S+:80$|bind\(\) to \S+:80 failed/);
    expect(record).toMatch(/:80/);
  });

  it('stops serving on SIGTERM and exits 0', async () => {
    const handle = await fixture.start({ image: 'httpd', env: { PORT: '0' } });
    const url = await baseUrl(handle);
    expect(await handle.stop(5000)).toMatchObject({ exitCode: 0 });
    await expect(fetch(`${url}/`)).rejects.toThrow();
  });
});
