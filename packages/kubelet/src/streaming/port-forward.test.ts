import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podSandboxId } from './port-forward.ts';
import { ChannelClient, startTestServer, TestHost } from './testing.ts';
import type { TestServer } from './testing.ts';

let host: TestHost;
let server: TestServer;
let ws: string;
let echoPort: number;
let podIP: string;

beforeAll(async () => {
  host = await TestHost.create();
  podIP = host.addPod('echo', [{ name: 'echo', image: 'hubspoke/echo', env: { PORT: '0' } }]).ip;
  const access = await host.until('echo', 'echo', (a) => (a.handle?.listeners().length ?? 0) === 2);
  echoPort = access.handle!.listeners().find((l) => l.name === 'echo')!.port;
  server = await startTestServer(host);
  ws = server.url.replace('http', 'ws');
});

afterAll(async () => {
  await server?.close();
  await host?.cleanup();
});

function portBytes(port: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(port);
  return bytes;
}

describe('port-forward over WebSocket', () => {
  it('carries 8 MiB each way to the echo port, intact', async () => {
    const client = await ChannelClient.connect(`${ws}/portForward/default/echo?port=${echoPort}`, [
      'v5.channel.k8s.io',
      'v4.channel.k8s.io',
      'channel.k8s.io',
    ]);
    // client-node offers v5 first; port-forward has no v5, so v4 is chosen.
    expect(client.ws.protocol).toBe('v4.channel.k8s.io');
    await client.waitFor(() => client.messages.length >= 2);
    expect(client.messages.slice(0, 2)).toEqual([
      { channel: 0, payload: portBytes(echoPort) },
      { channel: 1, payload: portBytes(echoPort) },
    ]);

    const sent = randomBytes(8 * 1024 * 1024);
    for (let at = 0; at < sent.length; at += 64 * 1024) client.send(0, sent.subarray(at, at + 64 * 1024));
    const received = () => client.messages.slice(1).filter((m) => m.channel === 0);
    await client.waitFor(() => received().reduce((n, m) => n + m.payload.length, 0) >= sent.length, 20_000);
    const echoed = Buffer.concat(received().map((m) => m.payload));
    expect(echoed.length).toBe(sent.length);
    expect(createHash('sha256').update(echoed).digest('hex')).toBe(createHash('sha256').update(sent).digest('hex'));
    expect(client.received(1)).toEqual(portBytes(echoPort));
    client.ws.close(1000);
    expect((await client.closed).code).toBe(1000);
  });

  it('reports a refused connection on the error channel, worded as containerd, then closes', async () => {
    const closedPort = await unusedPort();
    const client = await ChannelClient.connect(`${ws}/portForward/default/echo?port=${closedPort}`, ['v4.channel.k8s.io']);
    const { code } = await client.closed;
    expect(code).toBe(1000);
    const sandbox = podSandboxId(host.pod('default', 'echo')!.metadata.uid!);
    const error = client.received(1).subarray(2).toString();
    expect(error).toMatch(
      new RegExp(
        `^error forwarding port ${closedPort} to pod ${sandbox}, uid : failed to execute portforward in network namespace ` +
          `"/var/run/netns/cni-[0-9a-f-]{36}": failed to connect to localhost:${closedPort} inside namespace "${sandbox}", ` +
          `IPv4: dial tcp4 ${podIP.replaceAll('.', '\\.')}:${closedPort}: connect: connection refused `,
      ),
    );
  });

  it('forwards several ports on one WebSocket, channels 2i and 2i+1 per port', async () => {
    const closedPort = await unusedPort();
    const client = await ChannelClient.connect(`${ws}/portForward/default/echo?port=${echoPort},${closedPort}`, ['v4.channel.k8s.io']);
    await client.waitFor(() => client.received(3).length > 2);
    expect(client.received(3).subarray(0, 2)).toEqual(portBytes(closedPort));
    expect(client.received(3).subarray(2).toString()).toContain('connect: connection refused');
    client.send(0, 'ping');
    await client.waitFor(() => client.received(0).subarray(2).toString() === 'ping');
    client.ws.close();
    await client.closed;
  });

  it('closes a session idle for --streaming-connection-idle-timeout', async () => {
    host.streamingConnectionIdleTimeoutMs = 300;
    try {
      const started = Date.now();
      const client = await ChannelClient.connect(`${ws}/portForward/default/echo?port=${echoPort}`, ['v4.channel.k8s.io']);
      client.send(0, 'ping');
      await client.waitFor(() => client.received(0).subarray(2).toString() === 'ping');
      expect((await client.closed).code).toBe(1000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      host.streamingConnectionIdleTimeoutMs = undefined;
    }
  });

  it('answers the kubelet errors before upgrading', async () => {
    await expect(ChannelClient.connect(`${ws}/portForward/default/echo`, ['v4.channel.k8s.io'])).rejects.toMatchObject({
      status: 400,
      body: 'query parameter "port" is required',
    });
    await expect(ChannelClient.connect(`${ws}/portForward/default/echo?port=0`, ['v4.channel.k8s.io'])).rejects.toMatchObject({
      status: 400,
      body: 'port "0" must be > 0',
    });
    await expect(ChannelClient.connect(`${ws}/portForward/default/echo?port=http`, ['v4.channel.k8s.io'])).rejects.toMatchObject({
      status: 400,
    });
    await expect(ChannelClient.connect(`${ws}/portForward/default/nope?port=80`, ['v4.channel.k8s.io'])).rejects.toMatchObject({
      status: 404,
      body: 'pod does not exist',
    });
    await expect(ChannelClient.connect(`${ws}/portForward/default/echo?port=80`, ['v5.channel.k8s.io'])).rejects.toMatchObject({
      status: 403,
    });
  });
});

/** A loopback port nobody listens on (bound and released at once). */
async function unusedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, podIP, resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
