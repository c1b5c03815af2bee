import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../testing/cluster.ts';
import { connectThrough, eventually, hashIncoming, startEchoServer, type EchoServer } from '../testing/fixture.ts';

let cluster: TestCluster | undefined;
let echo: EchoServer | undefined;
afterEach(async () => {
  await cluster?.close();
  await echo?.close();
  cluster = undefined;
  echo = undefined;
});

const MiB = 1024 * 1024;

/** Writes `data` in 64 KiB pieces, honouring backpressure. */
async function writeAll(socket: Socket, data: Buffer): Promise<void> {
  for (let offset = 0; offset < data.length; offset += 64 * 1024) {
    if (!socket.write(data.subarray(offset, offset + 64 * 1024))) await new Promise((r) => socket.once('drain', r));
  }
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('tunnel flow control', () => {
  it('carries 16 MiB both ways intact through server, agent and an echo server', async () => {
    cluster = await startTestCluster();
    echo = await startEchoServer();
    await (await cluster.startAgent()).whenConnected();
    const { status, socket } = await connectThrough(cluster.udsName, `127.0.0.1:${echo.port}`);
    expect(status).toBe(200);
    const data = randomBytes(16 * MiB);
    const [, echoed] = await Promise.all([writeAll(socket, data), hashIncoming(socket, data.length)]);
    expect(echoed).toBe(sha256(data));
    socket.destroy();
  });

  it('keeps one connection flowing while another connection’s reader stalls', async () => {
    cluster = await startTestCluster();
    echo = await startEchoServer();
    await (await cluster.startAgent()).whenConnected();

    // Connection A: its reader never reads, so its echoed bytes pile up until credit stops the agent.
    const stalled = await connectThrough(cluster.udsName, `127.0.0.1:${echo.port}`);
    const stalledData = randomBytes(24 * MiB);
    const stalledWrite = writeAll(stalled.socket, stalledData);
    await eventually(() => [...echo!.sockets].some((s) => s.bytesRead > 0));
    const stalledEcho = [...echo.sockets][0];

    // Connection B flows to completion meanwhile.
    const flowing = await connectThrough(cluster.udsName, `127.0.0.1:${echo.port}`);
    const flowingData = randomBytes(4 * MiB);
    const [, flowingHash] = await Promise.all([writeAll(flowing.socket, flowingData), hashIncoming(flowing.socket, flowingData.length)]);
    expect(flowingHash).toBe(sha256(flowingData));

    // A is held back end to end: the echo server has not been able to read all of A, and A's writer is blocked.
    await new Promise((r) => setTimeout(r, 200));
    const readWhileStalled = stalledEcho.bytesRead;
    expect(readWhileStalled).toBeLessThan(stalledData.length / 2);
    expect(stalled.socket.writableLength).toBeGreaterThan(0);

    // Once A's reader reads, everything arrives intact.
    const [, stalledHash] = await Promise.all([stalledWrite, hashIncoming(stalled.socket, stalledData.length)]);
    expect(stalledHash).toBe(sha256(stalledData));
    stalled.socket.destroy();
    flowing.socket.destroy();
  });
});
