import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../testing/cluster.ts';
import { connectThrough, eventually, hashIncoming, nextChunk, probe, startEchoServer, type EchoServer } from '../testing/fixture.ts';

let cluster: TestCluster | undefined;
let echo: EchoServer | undefined;
afterEach(async () => {
  await cluster?.close();
  await echo?.close();
  cluster = undefined;
  echo = undefined;
});

describe('agent reconnection', () => {
  it('ends streams on both sides when the server dies, then reconnects to the restarted server by itself', async () => {
    cluster = await startTestCluster();
    echo = await startEchoServer();
    const agent = await cluster.startAgent({ healthServerPort: 0, healthBindAddress: '127.0.0.1' });
    await agent.whenConnected();
    expect(await probe(agent.healthPort!, '/readyz')).toEqual({ status: 200, body: 'ok\n' });

    const { socket } = await connectThrough(cluster.udsName, `127.0.0.1:${echo.port}`);
    const total = 64 * 1024 * 1024;
    const incoming = hashIncoming(socket, total);
    const outcome = incoming.then(
      () => 'completed',
      (error: Error) => error.message,
    );
    // Keep the stream busy, then kill the server in the middle of it.
    const chunk = randomBytes(256 * 1024);
    const pump = setInterval(() => socket.writable && socket.write(chunk), 5);
    await eventually(() => socket.bytesRead > 1024 * 1024);
    await cluster.server.close();
    clearInterval(pump);

    // Frontend side: the stream fails short of its data (EOF or a broken pipe, whichever the writer meets
    // first). Node side: the agent resets the local connection.
    expect(await outcome).toMatch(/^(stream ended after \d+ of 67108864 bytes|write EPIPE|read ECONNRESET)$/);
    await eventually(() => echo!.errors.some((e) => (e as NodeJS.ErrnoException).code === 'ECONNRESET'));
    await eventually(() => !agent.connected);
    expect(agent.lastError).toMatch(/tunnel (closed|error)/);
    expect(agent.openConnections).toBe(0);
    const notReady = await probe(agent.healthPort!, '/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatch(/^Ready: false, reason: not connected to the proxy server/);
    expect((await probe(agent.healthPort!, '/healthz')).status).toBe(200);

    // Same ports, new server process state: the agent comes back on its own and new CONNECTs work.
    await cluster.startServer();
    await agent.whenConnected(5_000);
    await eventually(() => cluster!.server.agents().length === 1);
    const fresh = await connectThrough(cluster.udsName, `127.0.0.1:${echo.port}`);
    expect(fresh.status).toBe(200);
    fresh.socket.write('after restart');
    expect(await nextChunk(fresh.socket, 13)).toBe('after restart');
    fresh.socket.destroy();
  });

  it('aborts the frontend connection when its agent goes away mid-stream', async () => {
    cluster = await startTestCluster();
    echo = await startEchoServer();
    const agent = await cluster.startAgent();
    await agent.whenConnected();
    const { socket } = await connectThrough(cluster.udsName, `127.0.0.1:${echo.port}`);
    socket.write('before');
    expect(await nextChunk(socket, 6)).toBe('before');
    const ended = new Promise<string>((resolve) => {
      socket.once('error', (e) => resolve(e.message));
      socket.once('close', () => resolve('closed'));
      socket.resume();
    });
    await agent.close();
    expect(await ended).toMatch(/closed|ECONNRESET|EPIPE/);
    await eventually(() => echo!.sockets.size === 0);
    expect(cluster.server.agents()).toEqual([]);
  });
});
