import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameParser } from './frame-parser.ts';
import { encodeFrame, GoAwayStatus, RstStatus } from './frames.ts';
import type { Frame } from './frames.ts';
import type { SpdyHeaders } from './header-block.ts';
import { SpdySession } from './session.ts';
import type { SpdyStream } from './stream.ts';
import { readAll, waitFor } from './testing.ts';

interface Loopback {
  server: SpdySession;
  client: SpdySession;
  serverSocket: Socket;
  clientSocket: Socket;
  /** Every frame the server wrote, as the client's side of the wire saw it. */
  fromServer: Frame[];
  accepted: SpdyStream[];
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function loopback(acceptStream?: (headers: SpdyHeaders) => boolean): Promise<Loopback> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const serverSocketP = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  const clientSocket = net.connect((listener.address() as AddressInfo).port, '127.0.0.1');
  const serverSocket = await serverSocketP;
  const fromServer: Frame[] = [];
  const tap = new FrameParser((frame) => fromServer.push(frame));
  clientSocket.on('data', (chunk: Buffer) => tap.push(chunk));
  const server = new SpdySession({ connection: serverSocket, role: 'server', acceptStream, closeTimeoutMs: 500 });
  const client = new SpdySession({ connection: clientSocket, role: 'client', closeTimeoutMs: 500 });
  const accepted: SpdyStream[] = [];
  server.onStream((stream) => accepted.push(stream));
  cleanups.push(() => {
    serverSocket.destroy();
    clientSocket.destroy();
    listener.close();
  });
  return { server, client, serverSocket, clientSocket, fromServer, accepted };
}

describe('SpdySession', () => {
  it('replies to each stream the client opens and hands it over with its headers', async () => {
    const { client, accepted, fromServer } = await loopback();
    const a = await client.openStream({ streamtype: 'error' });
    const b = await client.openStream({ StreamType: 'stdout', Port: ['1', '2'] });
    expect([a.id, b.id]).toEqual([1, 3]);
    await waitFor(() => accepted.length === 2);
    expect(accepted.map((s) => [s.id, s.headers])).toEqual([
      [1, { streamtype: ['error'] }],
      [3, { streamtype: ['stdout'], port: ['1', '2'] }],
    ]);
    expect(fromServer.filter((f) => f.kind === 'syn_reply').map((f) => (f as { streamId: number }).streamId)).toEqual([1, 3]);
    expect(a.replyHeaders).toEqual({});
  });

  it('carries bytes both ways, with FIN as each direction\'s end', async () => {
    const { client, accepted } = await loopback();
    const stream = await client.openStream({ streamtype: 'data' });
    await waitFor(() => accepted.length === 1);
    const [served] = accepted;
    const serverGot = readAll(served);
    stream.end('from client');
    expect((await serverGot).toString()).toBe('from client');
    const clientGot = readAll(stream);
    served.write('from ');
    served.end('server');
    expect((await clientGot).toString()).toBe('from server');
  });

  it('answers the peer\'s PING with the same id and resolves its own when echoed', async () => {
    const { client, server, fromServer } = await loopback();
    await client.ping();
    expect(fromServer).toContainEqual({ kind: 'ping', id: 1 });
    await server.ping();
  });

  it('ignores SETTINGS and WINDOW_UPDATE and never sends either', async () => {
    const { client, clientSocket, accepted, fromServer } = await loopback();
    clientSocket.write(encodeFrame({ kind: 'settings', clear: false, entries: [{ flags: 0, id: 7, value: 1024 }] }));
    clientSocket.write(encodeFrame({ kind: 'window_update', streamId: 0, delta: 1 }));
    const stream = await client.openStream({ streamtype: 'data' });
    await waitFor(() => accepted.length === 1);
    const got = readAll(stream, 10_000);
    accepted[0].end(Buffer.alloc(1 << 20, 1));
    expect((await got).length).toBe(1 << 20);
    expect(fromServer.some((f) => f.kind === 'window_update' || f.kind === 'settings')).toBe(false);
  });

  it("ends a stream on the peer's RST_STREAM: 'reset' with the status, then close", async () => {
    const { client, accepted } = await loopback();
    const stream = await client.openStream({ streamtype: 'data' });
    await waitFor(() => accepted.length === 1);
    const [served] = accepted;
    const reset = new Promise<number>((resolve) => served.once('reset', resolve));
    const closed = new Promise<void>((resolve) => served.once('close', resolve));
    stream.reset(RstStatus.Cancel);
    expect(await reset).toBe(RstStatus.Cancel);
    await closed;
    expect(served.isReset).toBe(true);
    // Writes after the reset are dropped, not thrown.
    served.write('late');
  });

  it('resets a stream the acceptor refuses, without a reply', async () => {
    const { client, fromServer, accepted } = await loopback((headers) => headers.port?.[0] !== '0');
    await expect(client.openStream({ port: '0' })).rejects.toThrow(/reset/);
    expect(fromServer).toContainEqual({ kind: 'rst_stream', streamId: 1, status: RstStatus.Cancel });
    expect(fromServer.some((f) => f.kind === 'syn_reply')).toBe(false);
    expect(accepted).toEqual([]);
  });

  it("closes on the peer's GOAWAY, answering with its own", async () => {
    const { server, clientSocket, fromServer } = await loopback();
    const closed = new Promise<void>((resolve) => server.onClose(resolve));
    clientSocket.write(encodeFrame({ kind: 'goaway', lastGoodStreamId: 0, status: GoAwayStatus.Ok }));
    await closed;
    expect(fromServer).toContainEqual({ kind: 'goaway', lastGoodStreamId: 0, status: GoAwayStatus.Ok });
  });

  it('says GOAWAY(PROTOCOL_ERROR) and leaves when the peer breaks the framing', async () => {
    const { server, clientSocket, fromServer } = await loopback();
    const closed = new Promise<void>((resolve) => server.onClose(resolve));
    const bad = encodeFrame({ kind: 'ping', id: 1 });
    bad.writeUInt16BE(0x8002, 0);
    clientSocket.write(bad);
    await closed;
    expect(fromServer).toContainEqual({ kind: 'goaway', lastGoodStreamId: 0, status: GoAwayStatus.ProtocolError });
  });

  it('pauses the connection while a reader is full and resumes when it reads', async () => {
    const { client, serverSocket, accepted } = await loopback();
    const stream = await client.openStream({ streamtype: 'stdin' });
    await waitFor(() => accepted.length === 1);
    const payload = Buffer.alloc(4 << 20, 2);
    stream.end(payload);
    await waitFor(() => serverSocket.isPaused());
    // The peer's control frames still queue behind the held data; nothing is lost when reading resumes.
    const got = await readAll(accepted[0], 10_000);
    expect(got.equals(payload)).toBe(true);
    expect(serverSocket.isPaused()).toBe(false);
  });

  it('ends every stream quietly when the connection drops', async () => {
    const { client, clientSocket, accepted, server } = await loopback();
    await client.openStream({ streamtype: 'data' });
    await waitFor(() => accepted.length === 1);
    const closed = new Promise<void>((resolve) => accepted[0].once('close', resolve));
    const sessionClosed = new Promise<void>((resolve) => server.onClose(resolve));
    clientSocket.destroy();
    await Promise.all([closed, sessionClosed]);
    expect(server.closed).toBe(true);
  });
});
