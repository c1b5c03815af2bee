// A minimal WebSocket client for tests, written from RFC 6455 rather than taken from `ws` (which is the
// server under test). It exposes the connection as a byte Duplex and cuts what is written into binary
// messages at arbitrary points — several SPDY frames in one message, one frame over many — as a tunnel may.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** The server's answer to the WebSocket handshake. */
export interface WebSocketDial {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  socket: Socket;
  /** On 101: the bytes of all received data messages, in order; writes become masked binary messages. */
  tunnel?: Duplex;
  /** Opcodes of every frame the server sent. */
  opcodes: number[];
}

/** Dials a WebSocket on 127.0.0.1 offering `protocols`; `seed` drives where writes are cut. */
export function dialWebSocket(options: { port: number; path: string; protocols: string[]; seed?: number }): Promise<WebSocketDial> {
  const socket = net.connect(options.port, '127.0.0.1');
  const key = randomBytes(16).toString('base64');
  const lines = [
    `GET ${options.path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: Upgrade',
    'Upgrade: websocket',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
    ...(options.protocols.length ? [`Sec-WebSocket-Protocol: ${options.protocols.join(', ')}`] : []),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const [statusLine, ...headerLines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      const headers = headerLines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as [string, string];
      });
      const rest = received.subarray(end + 4);
      const opcodes: number[] = [];
      if (status !== 101) {
        const body: Buffer[] = [rest];
        socket.on('data', (more: Buffer) => body.push(more));
        socket.on('close', () => resolve({ status, headers, body: Buffer.concat(body).toString('utf8'), socket, opcodes }));
        return;
      }
      const accept = createHash('sha1').update(key + GUID).digest('base64');
      if (!headers.some(([name, value]) => name === 'sec-websocket-accept' && value === accept)) {
        reject(new Error('bad Sec-WebSocket-Accept'));
        return;
      }
      resolve({ status, headers, body: '', socket, opcodes, tunnel: tunnelOver(socket, rest, opcodes, options.seed ?? 1) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

function tunnelOver(socket: Socket, head: Buffer, opcodes: number[], seed: number): Duplex {
  let random = seed;
  const next = (): number => {
    random = (random * 1103515245 + 12345) & 0x7fffffff;
    return random;
  };
  let pending: Buffer[] = [];
  let scheduled = false;
  let closeSent = false;
  const send = (opcode: number, payload: Buffer): void => {
    if (!socket.destroyed) socket.write(frame(opcode, payload));
  };
  // Writes are gathered for a turn, then re-cut at random lengths, so message and SPDY frame boundaries never line up.
  const flush = (): void => {
    scheduled = false;
    let bytes = Buffer.concat(pending);
    pending = [];
    while (bytes.length > 0) {
      const size = 1 + (next() % Math.min(bytes.length, 3000));
      send(OPCODE.binary, bytes.subarray(0, size));
      bytes = bytes.subarray(size);
    }
  };
  const tunnel = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      pending.push(chunk);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      callback();
    },
    final(callback) {
      flush();
      closeSent = true;
      send(OPCODE.close, Buffer.from([0x03, 0xe8]));
      callback();
    },
  });
  let buffered = head;
  const parse = (): void => {
    for (;;) {
      if (buffered.length < 2) return;
      const opcode = buffered[0] & 0x0f;
      let length = buffered[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) return;
        length = buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffered.length < 10) return;
        length = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffered.length < offset + length) return;
      const payload = buffered.subarray(offset, offset + length);
      buffered = buffered.subarray(offset + length);
      opcodes.push(opcode);
      if (opcode === OPCODE.binary || opcode === OPCODE.text || opcode === OPCODE.continuation) tunnel.push(payload);
      else if (opcode === OPCODE.ping) send(OPCODE.pong, payload);
      else if (opcode === OPCODE.close) {
        if (!closeSent) send(OPCODE.close, payload.subarray(0, 2));
        closeSent = true;
        tunnel.push(null);
        socket.end();
      }
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    parse();
  });
  socket.on('close', () => tunnel.destroy());
  parse();
  return tunnel;
}

// Client frames are always masked (RFC 6455 §5.3).
function frame(opcode: number, payload: Buffer): Buffer {
  const lengthBytes = payload.length < 126 ? 0 : payload.length < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + lengthBytes + 4);
  head[0] = 0x80 | opcode;
  if (lengthBytes === 0) head[1] = 0x80 | payload.length;
  else if (lengthBytes === 2) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(payload.length, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(head, 2 + lengthBytes);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([head, masked]);
}
