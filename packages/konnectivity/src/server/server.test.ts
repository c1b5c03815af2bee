import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { connectThrough, eventually, nextChunk, startEchoServer, type EchoServer } from '../testing/fixture.ts';
import { startTestCluster, type TestCluster } from '../testing/cluster.ts';

let cluster: TestCluster | undefined;
let echo: EchoServer | undefined;
afterEach(async () => {
  await cluster?.close();
  await echo?.close();
  cluster = undefined;
  echo = undefined;
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('konnectivity server routing', () => {
  it('answers 503 with a clear body when no agent is connected', async () => {
    cluster = await startTestCluster();
    const answer = await connectThrough(cluster.udsName, '10.0.0.1:10250');
    expect(answer.status).toBe(503);
    expect(answer.body).toBe('konnectivity: no agent available to dial 10.0.0.1:10250\n');
  });

  it("returns the agent's dial error as a non-200 CONNECT answer", async () => {
    cluster = await startTestCluster();
    await (await cluster.startAgent()).whenConnected();
    const port = await freePort();
    const answer = await connectThrough(cluster.udsName, `127.0.0.1:${port}`);
    expect(answer.status).toBe(502);
    expect(answer.body).toBe(`dial tcp 127.0.0.1:${port}: connect: connection refused\n`);
  });

  it('routes by agent identifiers and falls back to any agent for unknown hosts', async () => {
    cluster = await startTestCluster();
    echo = await startEchoServer();
    const a = await cluster.startAgent({ agentId: 'node-a', agentIdentifiers: 'ipv4=127.0.0.1&host=node-a' });
    const b = await cluster.startAgent({ agentId: 'node-b', agentIdentifiers: 'host=localhost&host=node-b' });
    await Promise.all([a.whenConnected(), b.whenConnected()]);
    expect(cluster.server.agents().map((x) => x.agentId).sort()).toEqual(['node-a', 'node-b']);
    expect(cluster.server.agents().every((x) => x.user === 'system:konnectivity-agent')).toBe(true);

    const toA = await connectThrough(cluster.udsName, `127.0.0.1:${echo.port}`);
    expect(toA.status).toBe(200);
    expect([a.openConnections, b.openConnections]).toEqual([1, 0]);
    const toB = await connectThrough(cluster.udsName, `localhost:${echo.port}`);
    expect(toB.status).toBe(200);
    expect([a.openConnections, b.openConnections]).toEqual([1, 1]);
    toA.socket.destroy();
    toB.socket.destroy();
    await eventually(() => a.openConnections === 0 && b.openConnections === 0);

    // No agent names 127.0.0.1 any more once node-a is gone: strategy `default` sends it to node-b.
    await a.close();
    await eventually(() => cluster!.server.agents().length === 1);
    const fallback = await connectThrough(cluster.udsName, `127.0.0.1:${echo.port}`);
    expect(fallback.status).toBe(200);
    expect(b.openConnections).toBe(1);
    fallback.socket.write('ping');
    expect(await nextChunk(fallback.socket, 4)).toBe('ping');
    fallback.socket.destroy();
  });

  it('answers 503 for an unnamed host when the only strategy is destHost', async () => {
    cluster = await startTestCluster({ proxyStrategies: ['destHost'] });
    await (await cluster.startAgent({ agentIdentifiers: 'host=node-a' })).whenConnected();
    const answer = await connectThrough(cluster.udsName, '10.0.0.1:10250');
    expect(answer.status).toBe(503);
  });
});
