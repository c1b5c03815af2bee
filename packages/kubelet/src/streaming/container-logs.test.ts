import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToyImage } from '../runtime/index.ts';
import { httpRequest, startTestServer, TestHost } from './testing.ts';
import type { TestServer } from './testing.ts';

/** Fails at once on its first run and stays up on later ones, so `previous` has something to show. */
const flakyImage: ToyImage = {
  name: 'test/flaky',
  description: 'exits 1 on attempt 0, runs on later attempts',
  sigterm: 'terminate',
  async run(ctx) {
    await ctx.print(`attempt ${ctx.attempt}\n`);
    if (ctx.attempt === 0) return 1;
    await ctx.sleep(3_600_000);
    return 0;
  },
};

let host: TestHost;
let server: TestServer;

beforeAll(async () => {
  host = await TestHost.create({ 'test/flaky': flakyImage });
  host.addPod('lines', [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo one; echo two; echo three; sleep 3600'] }]);
  host.addPod('flaky', [{ name: 'c', image: 'test/flaky' }]);
  host.addPod('creating', [{ name: 'c', image: 'busybox' }], 'Always', { start: false });
  host.addPod('unpullable', [{ name: 'c', image: 'no-such-image' }]);
  await Promise.all([host.running('lines', 'c'), host.running('flaky', 'c', 1)]);
  await host.until('unpullable', 'c', (a) => a.status.state.waiting?.reason === 'ErrImagePull');
  server = await startTestServer(host);
});

afterAll(async () => {
  await server?.close();
  await host?.cleanup();
});

const logs = (path: string) => httpRequest(server, 'GET', `/containerLogs/default/${path}`);

describe('GET /containerLogs', () => {
  it('answers the whole log as text/plain', async () => {
    const answer = await logs('lines/c');
    expect(answer).toMatchObject({ status: 200, body: 'one\ntwo\nthree\n' });
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('applies tailLines (and the legacy tail), limitBytes and timestamps', async () => {
    expect((await logs('lines/c?tailLines=2')).body).toBe('two\nthree\n');
    expect((await logs('lines/c?tail=1')).body).toBe('three\n');
    expect((await logs('lines/c?tail=all')).body).toBe('one\ntwo\nthree\n');
    expect((await logs('lines/c?limitBytes=6')).body).toBe('one\ntw');
    const stamped = (await logs('lines/c?timestamps=true&tailLines=1')).body;
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z three\n$/);
  });

  it('applies sinceTime and sinceSeconds', async () => {
    expect((await logs('lines/c?sinceTime=2000-01-01T00:00:00Z')).body).toBe('one\ntwo\nthree\n');
    expect((await logs(`lines/c?sinceTime=${new Date(Date.now() + 60_000).toISOString()}`)).body).toBe('');
    expect((await logs('lines/c?sinceSeconds=3600')).body).toBe('one\ntwo\nthree\n');
  });

  it('follows the running instance until it exits', async () => {
    host.addPod('short', [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo first; sleep 0.3; echo second'] }], 'Never');
    await host.running('short', 'c');
    const chunks: string[] = [];
    const started = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: server.port, path: '/containerLogs/default/short/c?follow=true', agent: false }, (res) => {
          res.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', reject);
    });
    expect(status).toBe(200);
    expect(chunks.join('')).toBe('first\nsecond\n');
    // Each write was flushed on its own: "first" arrived well before the container ended.
    expect(chunks[0]).toBe('first\n');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('reads the previous instance after a restart', async () => {
    const access = host.container('default', 'flaky', 'c')!;
    expect(access.status.restartCount).toBeGreaterThanOrEqual(1);
    expect((await logs('flaky/c?previous=true')).body).toBe(`attempt ${access.status.restartCount - 1}\n`);
    expect((await logs('flaky/c')).body).toBe(`attempt ${access.status.restartCount}\n`);
  });

  it("answers the kubelet's errors", async () => {
    expect(await logs('nope/c')).toMatchObject({ status: 404, body: 'pod "nope" does not exist' });
    expect(await logs('lines/x')).toMatchObject({ status: 404, body: 'container "x" not found in pod "lines"' });
    expect(await logs('lines/c?previous=true')).toMatchObject({
      status: 400,
      body: 'previous terminated container "c" in pod "lines" not found',
    });
    expect(await logs('creating/c')).toMatchObject({
      status: 400,
      body: 'container "c" in pod "creating" is waiting to start: ContainerCreating',
    });
    // ErrImagePull, then ImagePullBackOff: each has its own wording.
    expect(await logs('unpullable/c')).toMatchObject({
      status: 400,
      body: expect.stringMatching(/^container "c" in pod "unpullable" is waiting to start: (image can't be pulled|trying and failing to pull image)$/),
    });
  });

  it('rejects undecodable (400) and invalid (422) options', async () => {
    expect(await logs('lines/c?tailLines=x')).toMatchObject({ status: 400, body: '{"message": "Unable to decode query."}' });
    expect(await logs('lines/c?tailLines=-1')).toMatchObject({ status: 422, body: '{"message": "Invalid request."}' });
    expect(await logs('lines/c?limitBytes=0')).toMatchObject({ status: 422 });
    expect(await logs('lines/c?sinceSeconds=0')).toMatchObject({ status: 422 });
    expect(await logs('lines/c?sinceSeconds=5&sinceTime=2000-01-01T00:00:00Z')).toMatchObject({ status: 422 });
  });
});
