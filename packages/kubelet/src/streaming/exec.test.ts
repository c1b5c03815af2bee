import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelClient, httpRequest, startTestServer, TestHost } from './testing.ts';
import type { TestServer } from './testing.ts';

let host: TestHost;
let server: TestServer;

beforeAll(async () => {
  host = await TestHost.create();
  host.addPod('shell', [{ name: 'sh', image: 'busybox', command: ['sleep', '3600'] }]);
  await host.running('shell', 'sh');
  server = await startTestServer(host);
});

afterAll(async () => {
  await server?.close();
  await host?.cleanup();
});

function execURL(command: string[], flags = 'output=1&error=1'): string {
  const query = command.map((c) => `command=${encodeURIComponent(c)}`).join('&');
  return `${server.url.replace('http', 'ws')}/exec/default/shell/sh?${query}&${flags}`;
}

describe('exec over WebSocket', () => {
  it('runs a command on v5.channel.k8s.io and ends with a Success status and close code 1000', async () => {
    const client = await ChannelClient.connect(execURL(['echo', 'hi']), ['v5.channel.k8s.io']);
    expect(client.ws.protocol).toBe('v5.channel.k8s.io');
    const { code } = await client.closed;
    expect(code).toBe(1000);
    expect(client.received(1).toString()).toBe('hi\n');
    expect(client.received(3).toString()).toBe('{"metadata":{},"status":"Success"}');
    // The kubelet's first message: an empty one on the lowest channel it writes.
    expect(client.messages[0]).toEqual({ channel: 1, payload: Buffer.alloc(0) });
    expect(client.messages.some((m) => m.text)).toBe(false);
  });

  it("picks the client's most preferred protocol it supports", async () => {
    const client = await ChannelClient.connect(execURL(['echo', 'hi']), ['v3.channel.k8s.io', 'v4.channel.k8s.io', 'v5.channel.k8s.io']);
    expect(client.ws.protocol).toBe('v4.channel.k8s.io');
    await client.closed;
    expect(client.received(1).toString()).toBe('hi\n');
  });

  it('reports a non-zero exit as NonZeroExitCode with the exit code on v4', async () => {
    const client = await ChannelClient.connect(execURL(['sh', '-c', 'nope; exit 3']), ['v4.channel.k8s.io']);
    await client.closed;
    expect(client.received(2).toString()).toBe('sh: nope: not found\n');
    expect(JSON.parse(client.received(3).toString())).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c nope; exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('speaks v1 channel.k8s.io: no status on success, the message text on failure', async () => {
    const ok = await ChannelClient.connect(execURL(['echo', 'hi']), ['channel.k8s.io']);
    await ok.closed;
    expect(ok.received(1).toString()).toBe('hi\n');
    expect(ok.messages.filter((m) => m.channel === 3)).toEqual([]);

    const failed = await ChannelClient.connect(execURL(['sh', '-c', 'exit 3']), ['channel.k8s.io']);
    await failed.closed;
    expect(failed.received(3).toString()).toBe(
      'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
    );
  });

  it('speaks the base64 protocols as text messages', async () => {
    for (const protocol of ['base64.channel.k8s.io', 'v4.base64.channel.k8s.io']) {
      const client = await ChannelClient.connect(execURL(['echo', 'hi there']), [protocol]);
      expect(client.ws.protocol).toBe(protocol);
      await client.closed;
      expect(client.received(1).toString()).toBe('hi there\n');
      expect(client.messages.every((m) => m.text)).toBe(true);
    }
  });

  it('serves a client that offers no subprotocol as binary channel.k8s.io', async () => {
    const client = await ChannelClient.connect(execURL(['echo', 'hi']), []);
    expect(client.ws.protocol).toBe('');
    await client.closed;
    expect(client.received(1).toString()).toBe('hi\n');
  });

  it('pipes stdin until the v5 half-close and hashes 1 MiB exactly', async () => {
    const data = randomBytes(1024 * 1024);
    const client = await ChannelClient.connect(execURL(['sha256sum'], 'input=1&output=1&error=1'), ['v5.channel.k8s.io']);
    for (let at = 0; at < data.length; at += 64 * 1024) client.send(0, data.subarray(at, at + 64 * 1024));
    client.ws.send(Buffer.from([255, 0]), { binary: true });
    await client.closed;
    expect(client.received(1).toString()).toBe(`${createHash('sha256').update(data).digest('hex')}  -\n`);
    expect(client.received(3).toString()).toBe('{"metadata":{},"status":"Success"}');
  });

  it('refuses a WebSocket offering no supported subprotocol with 403', async () => {
    await expect(ChannelClient.connect(execURL(['echo', 'hi']), ['v3.channel.k8s.io'])).rejects.toMatchObject({ status: 403 });
  });

  it('answers the kubelet errors before upgrading', async () => {
    const ws = server.url.replace('http', 'ws');
    await expect(ChannelClient.connect(`${ws}/exec/default/shell/sh?command=true`, ['v5.channel.k8s.io'])).rejects.toMatchObject({
      status: 400,
      body: 'you must specify at least 1 of stdin, stdout, stderr',
    });
    await expect(ChannelClient.connect(`${ws}/exec/default/nope/sh?command=true&output=1`, ['v5.channel.k8s.io'])).rejects.toMatchObject({
      status: 404,
      body: 'pod does not exist',
    });
    await expect(ChannelClient.connect(`${ws}/exec/default/shell/nope?command=true&output=1`, ['v5.channel.k8s.io'])).rejects.toMatchObject({
      status: 500,
      body: 'container not found ("nope")',
    });
  });

  it('answers 400 Upgrade request required to exec, attach and portForward without an upgrade', async () => {
    for (const [method, path] of [
      ['GET', '/exec/default/shell/sh?command=true&output=1'],
      ['POST', '/attach/default/shell/sh?output=1'],
      ['POST', '/portForward/default/shell'],
    ]) {
      expect(await httpRequest(server, method, path)).toMatchObject({ status: 400, body: 'Upgrade request required\n' });
    }
  });

  it('runs a tty exec at 24x80 until the client resizes, then at the size it sent', async () => {
    const unsized = await ChannelClient.connect(execURL(['sh', '-c', 'stty size'], 'output=1&tty=1'), ['v5.channel.k8s.io']);
    await unsized.closed;
    expect(unsized.received(1).toString()).toBe('24 80\r\n');

    const client = await ChannelClient.connect(execURL(['sh'], 'input=1&output=1&tty=1'), ['v5.channel.k8s.io']);
    client.send(4, '{"Width":100,"Height":30}');
    client.send(0, 'stty size\r');
    await client.waitFor(() => client.received(1).toString().includes('\r\n30 100\r\n'));
    client.send(4, '{"width":140,"height":45}');
    client.send(0, 'stty size\r');
    await client.waitFor(() => client.received(1).toString().includes('\r\n45 140\r\n'));
    client.send(0, 'exit 7\r');
    await client.closed;
    expect(JSON.parse(client.received(3).toString())).toMatchObject({ reason: 'NonZeroExitCode', details: { causes: [{ message: '7' }] } });
  });

  it('stops the command when the client leaves', async () => {
    const client = await ChannelClient.connect(execURL(['sh', '-c', 'echo started; sleep 60; echo never']), ['v5.channel.k8s.io']);
    await client.waitFor(() => client.received(1).toString() === 'started\n');
    client.ws.terminate();
    // The container is still there and answers the next exec at once.
    const next = await ChannelClient.connect(execURL(['echo', 'still here']), ['v5.channel.k8s.io']);
    await next.closed;
    expect(next.received(1).toString()).toBe('still here\n');
  });
});
