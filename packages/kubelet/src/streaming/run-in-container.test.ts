import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, startTestServer, TestHost } from './testing.ts';
import type { TestServer } from './testing.ts';

let host: TestHost;
let server: TestServer;

beforeAll(async () => {
  host = await TestHost.create();
  host.addPod('shell', [{ name: 'sh', image: 'busybox', command: ['sleep', '3600'], env: { GREETING: 'hello' } }]);
  await host.running('shell', 'sh');
  server = await startTestServer(host);
});

afterAll(async () => {
  await server?.close();
  await host?.cleanup();
});

describe('POST /run', () => {
  it('runs the space-split cmd in the container and answers its output', async () => {
    const answer = await httpRequest(server, 'POST', '/run/default/shell/sh?cmd=printenv%20GREETING');
    expect(answer).toMatchObject({ status: 200, body: 'hello\n' });
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('answers a non-zero exit with 500 worded as the CRI ExecSync error', async () => {
    expect(await httpRequest(server, 'POST', '/run/default/shell/sh?cmd=nope%20now')).toEqual(
      expect.objectContaining({ status: 500, body: "command 'nope now' exited with 127: sh: nope: not found\n" }),
    );
  });

  it('answers 404 for an unknown pod and 500 for a container that is not running', async () => {
    expect(await httpRequest(server, 'POST', '/run/default/nope/sh?cmd=true')).toMatchObject({ status: 404, body: 'pod does not exist' });
    expect(await httpRequest(server, 'POST', '/run/default/shell/x?cmd=true')).toMatchObject({
      status: 500,
      body: 'container not found ("x")',
    });
  });
});
