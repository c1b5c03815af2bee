import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PortForwardSession, PortForwardStream } from '../types.ts';
import { acceptSpdyPortForward, isPortForwardStream } from './port-forward.ts';
import type { SpdyStream } from './stream.ts';
import { dialSpdy, readAll, startUpgradeServer, waitFor } from './testing.ts';
import type { DialResult, UpgradeServer } from './testing.ts';

let server: UpgradeServer | undefined;
const dials: DialResult[] = [];
afterEach(async () => {
  for (const dial of dials.splice(0)) dial.socket.destroy();
  await server?.close();
  server = undefined;
});

/** A port-forward server; every forwarded connection lands in `streams`. */
async function portForward(timeoutMs?: number) {
  const streams: PortForwardStream[] = [];
  let resolveSession!: (session: PortForwardSession | undefined) => void;
  const session = new Promise<PortForwardSession | undefined>((resolve) => (resolveSession = resolve));
  server = await startUpgradeServer((up) => {
    void acceptSpdyPortForward(up, { streamCreationTimeoutMs: timeoutMs, closeTimeoutMs: 1000 }).then((pf) => {
      pf?.onStream((stream) => streams.push(stream));
      resolveSession(pf);
    });
  });
  const dial = await dialSpdy({ port: server.port, protocols: ['portforward.k8s.io'] });
  dials.push(dial);
  return { dial, client: dial.session!, streams, session };
}

/** What kubectl does per local connection: an error stream it half-closes at once, then a data stream. */
async function forward(client: NonNullable<DialResult['session']>, port: number, requestId: string) {
  const error = await client.openStream({ streamtype: 'error', port: String(port), requestid: requestId });
  error.end();
  const data = await client.openStream({ streamtype: 'data', port: String(port), requestid: requestId });
  return { error, data };
}

describe('isPortForwardStream', () => {
  it('wants a port in 1..65535 and a streamtype of error or data', () => {
    expect(isPortForwardStream({ port: ['8080'], streamtype: ['data'] })).toBe(true);
    expect(isPortForwardStream({ port: ['0'], streamtype: ['data'] })).toBe(false);
    expect(isPortForwardStream({ port: ['65536'], streamtype: ['error'] })).toBe(false);
    expect(isPortForwardStream({ port: ['http'], streamtype: ['error'] })).toBe(false);
    expect(isPortForwardStream({ port: ['80'], streamtype: ['stdin'] })).toBe(false);
    expect(isPortForwardStream({ streamtype: ['data'] })).toBe(false);
  });
});

describe('acceptSpdyPortForward', () => {
  it('negotiates portforward.k8s.io and pairs error and data streams by requestid', async () => {
    const { client, streams, session, dial } = await portForward();
    expect(dial.headers).toContainEqual(['x-stream-protocol-version', 'portforward.k8s.io']);
    expect((await session)?.protocol).toBe('portforward.k8s.io');
    await forward(client, 8080, '0');
    await forward(client, 9090, '1');
    await waitFor(() => streams.length === 2);
    expect(streams.map((s) => s.port)).toEqual([8080, 9090]);
  });

  it("moves bytes both ways and closes the error stream once our side of the data is done", async () => {
    const { client, streams } = await portForward();
    const { error, data } = await forward(client, 8080, '0');
    await waitFor(() => streams.length === 1);
    const [forwarded] = streams;
    const received = readAll(forwarded.data);
    data.end('request');
    expect((await received).toString()).toBe('request');
    const [reply, errors] = [readAll(data), readAll(error)];
    forwarded.data.end('response');
    expect((await reply).toString()).toBe('response');
    expect((await errors).length).toBe(0);
  });

  it('reports an error as text on the error stream, then closes it', async () => {
    const { client, streams } = await portForward();
    const { error } = await forward(client, 8080, '0');
    await waitFor(() => streams.length === 1);
    const message = readAll(error);
    streams[0].error('error forwarding port 8080 to pod p: connection refused');
    streams[0].data.end();
    expect((await message).toString()).toBe('error forwarding port 8080 to pod p: connection refused');
  });

  it('moves 16 MiB each way through one data stream with no WINDOW_UPDATE, intact', async () => {
    const { client, streams, dial } = await portForward();
    const { data } = await forward(client, 8080, '0');
    await waitFor(() => streams.length === 1);
    streams[0].data.pipe(streams[0].data); // the pod end echoes
    const payload = randomBytes(16 << 20);
    const echoed = createHash('sha256');
    let echoedBytes = 0;
    const done = new Promise<void>((resolve) => {
      data.on('data', (chunk: Buffer) => {
        echoed.update(chunk);
        echoedBytes += chunk.length;
      });
      data.on('end', resolve);
    });
    for (let offset = 0; offset < payload.length; offset += 1 << 20) data.write(payload.subarray(offset, offset + (1 << 20)));
    data.end();
    await done;
    expect(echoedBytes).toBe(payload.length);
    expect(echoed.digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(dial.frames.some((f) => f.kind === 'window_update')).toBe(false);
  }, 60_000);

  it('pairs streams of clients without requestid by stream id (error N, data N+2)', async () => {
    const { client, streams } = await portForward();
    const error = await client.openStream({ streamtype: 'error', port: '80' });
    const data = await client.openStream({ streamtype: 'data', port: '80' });
    expect([error.id, data.id]).toEqual([1, 3]);
    await waitFor(() => streams.length === 1);
    expect((streams[0].data as SpdyStream).id).toBe(3);
  });

  it('resets streams without a valid port, as the kubelet does', async () => {
    const { client, dial } = await portForward();
    await expect(client.openStream({ streamtype: 'data', port: '0', requestid: '0' })).rejects.toThrow(/reset/);
    expect(dial.frames.some((f) => f.kind === 'syn_reply')).toBe(false);
  });

  it('tells the client on the error stream when the data stream never comes', async () => {
    const { client } = await portForward(150);
    const error = await client.openStream({ streamtype: 'error', port: '8080', requestid: '7' });
    error.end();
    expect((await readAll(error)).toString()).toBe('(request=7) timed out waiting for streams');
  });

  it('closes the session on close(), and reports the client leaving', async () => {
    const { session, dial } = await portForward();
    const pf = (await session)!;
    const closed = new Promise<void>((resolve) => pf.onClose(resolve));
    pf.close();
    await waitFor(() => dial.frames.some((f) => f.kind === 'goaway'));
    dial.socket.end();
    await closed;
  });
});
