import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Channel } from './channel.ts';
import { INITIAL_WINDOW, MAX_DATA_PAYLOAD, type Frame } from './frame.ts';

/** A local socket whose writes complete only when the test says so. */
function fakeSocket() {
  const heldWrites: Array<() => void> = [];
  const socket = new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      heldWrites.push(() => callback());
    },
  });
  return { socket, heldWrites };
}

function channelWith(socket: Duplex) {
  const sent: Frame[] = [];
  const released: number[] = [];
  const channel = new Channel(9, socket, { send: (f) => sent.push(f), released: (id) => released.push(id) });
  return { channel, sent, released };
}

const tick = () => new Promise((r) => setImmediate(r));
const dataBytes = (frames: Frame[]) => frames.reduce((n, f) => n + (f.type === 'DATA' ? f.data.length : 0), 0);

describe('channel flow control', () => {
  it('sends no more than its credit, in bounded frames, and continues when the peer grants more', async () => {
    const { socket } = fakeSocket();
    const { channel, sent } = channelWith(socket);
    socket.push(Buffer.alloc(INITIAL_WINDOW + 100_000, 1));
    await tick();
    expect(dataBytes(sent)).toBe(INITIAL_WINDOW);
    expect(sent.every((f) => f.type !== 'DATA' || f.data.length <= MAX_DATA_PAYLOAD)).toBe(true);
    channel.receiveWindow(60_000);
    expect(dataBytes(sent)).toBe(INITIAL_WINDOW + 60_000);
    channel.receiveWindow(1_000_000);
    expect(dataBytes(sent)).toBe(INITIAL_WINDOW + 100_000);
  });

  it('returns credit only once the local socket accepted the bytes', () => {
    const { socket, heldWrites } = fakeSocket();
    const { channel, sent } = channelWith(socket);
    channel.receiveData(Buffer.alloc(1000));
    expect(sent).toEqual([]);
    heldWrites.shift()!();
    expect(sent).toEqual([{ type: 'WINDOW', id: 9, bytes: 1000 }]);
  });

  it('sends CLOSE after the last held-back bytes when the local side ends', async () => {
    const { socket } = fakeSocket();
    const { channel, sent, released } = channelWith(socket);
    socket.push(Buffer.alloc(INITIAL_WINDOW + 10));
    socket.push(null);
    await tick();
    expect(sent.at(-1)?.type).toBe('DATA');
    channel.receiveWindow(10);
    await tick();
    expect(sent.at(-1)).toEqual({ type: 'CLOSE', id: 9 });
    expect(dataBytes(sent)).toBe(INITIAL_WINDOW + 10);
    expect(released).toEqual([9]);
  });

  it('aborts the local socket when the peer closes with an error', async () => {
    const { socket } = fakeSocket();
    const { channel, released } = channelWith(socket);
    const error = new Promise<Error>((r) => socket.once('error', r));
    channel.receiveClose('dial tcp 10.0.0.1:80: connect: connection refused');
    expect((await error).message).toBe('dial tcp 10.0.0.1:80: connect: connection refused');
    expect(released).toEqual([9]);
  });
});
