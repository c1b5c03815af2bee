import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToyImage } from '../runtime/index.ts';
import { ChannelClient, startTestServer, TestHost } from './testing.ts';
import type { TestServer } from './testing.ts';

/** Answers every line on stdin with the terminal size it was last told. */
const sizedImage: ToyImage = {
  name: 'test/sized',
  description: 'prints its terminal size per input line',
  sigterm: 'terminate',
  async run(ctx) {
    for await (const _line of ctx.stdin) {
      const size = ctx.terminalSize();
      await ctx.print(`${size?.width ?? '?'}x${size?.height ?? '?'}\n`);
    }
    return 0;
  },
};

let host: TestHost;
let server: TestServer;
let ws: string;

beforeAll(async () => {
  host = await TestHost.create({ 'test/sized': sizedImage });
  host.addPod('interactive', [{ name: 'sh', image: 'busybox', stdin: true }]);
  host.addPod('once', [{ name: 'sh', image: 'busybox', stdin: true, stdinOnce: true }], 'Never');
  host.addPod('terminal', [{ name: 'sized', image: 'test/sized', stdin: true, tty: true }]);
  host.addPod('quiet', [{ name: 'sleeper', image: 'busybox', command: ['sleep', '3600'] }]);
  await Promise.all([
    host.running('interactive', 'sh'),
    host.running('once', 'sh'),
    host.running('terminal', 'sized'),
    host.running('quiet', 'sleeper'),
  ]);
  server = await startTestServer(host);
  ws = server.url.replace('http', 'ws');
});

afterAll(async () => {
  await server?.close();
  await host?.cleanup();
});

describe('attach over WebSocket', () => {
  it("connects to the container's stdin and live output, and ends with Success when it exits", async () => {
    const client = await ChannelClient.connect(`${ws}/attach/default/interactive/sh?input=1&output=1&error=1`, ['v5.channel.k8s.io']);
    client.send(0, 'echo hello from attach\n');
    await client.waitFor(() => client.received(1).toString() === 'hello from attach\n');
    client.send(0, 'nope\n');
    await client.waitFor(() => client.received(2).toString() === 'sh: nope: not found\n');
    client.send(0, 'exit 4\n');
    const { code } = await client.closed;
    expect(code).toBe(1000);
    expect(client.received(3).toString()).toBe('{"metadata":{},"status":"Success"}');
  });

  it('closes the container stdin when a stdinOnce client half-closes', async () => {
    const client = await ChannelClient.connect(`${ws}/attach/default/once/sh?input=1&output=1`, ['v5.channel.k8s.io']);
    client.send(0, 'echo last words\n');
    await client.waitFor(() => client.received(1).toString() === 'last words\n');
    client.ws.send(Buffer.from([255, 0]), { binary: true });
    await client.closed;
    // EOF on its stdin ended the shell: the container terminated with exit code 0.
    const access = await host.until('once', 'sh', (a) => Boolean(a.status.state.terminated));
    expect(access.status.state.terminated?.exitCode).toBe(0);
  });

  it('takes tty from the container spec and passes resizes on, in either key case', async () => {
    const client = await ChannelClient.connect(`${ws}/attach/default/terminal/sized?input=1&output=1&error=1`, ['v4.channel.k8s.io']);
    client.send(4, '{"Width":120,"Height":40}');
    client.send(0, 'x\n');
    await client.waitFor(() => client.received(1).toString().includes('120x40\r\n'));
    client.send(4, '{"width":80,"height":24}');
    client.send(0, 'y\n');
    await client.waitFor(() => client.received(1).toString().includes('80x24\r\n'));
    // A terminal has no separate stderr channel.
    expect(client.messages.filter((m) => m.channel === 2)).toEqual([]);
    client.ws.close();
    await client.closed;
  });

  it('closes a session idle for --streaming-connection-idle-timeout', async () => {
    host.streamingConnectionIdleTimeoutMs = 300;
    try {
      const started = Date.now();
      const client = await ChannelClient.connect(`${ws}/attach/default/quiet/sleeper?output=1`, ['v5.channel.k8s.io']);
      const { code } = await client.closed;
      expect(code).toBe(1000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(JSON.parse(client.received(3).toString())).toMatchObject({
        status: 'Failure',
        message: 'Internal error occurred: streaming connection idle timeout (300ms) exceeded',
      });
    } finally {
      host.streamingConnectionIdleTimeoutMs = undefined;
    }
  });

  it('refuses to attach to a container that is not running', async () => {
    await expect(ChannelClient.connect(`${ws}/attach/default/quiet/other?output=1`, ['v5.channel.k8s.io'])).rejects.toMatchObject({
      status: 500,
      body: 'container not found ("other")',
    });
  });
});
