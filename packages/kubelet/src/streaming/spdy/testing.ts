// Test plumbing for this folder: a plain HTTP server that hands upgrades to a callback, and a client that
// sends a SPDY upgrade request by hand and, on 101, runs a client-role SpdySession over the same socket.
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { UpgradeRequest } from '../types.ts';
import { FrameParser } from './frame-parser.ts';
import type { Frame } from './frames.ts';
import { SpdySession } from './session.ts';

/** A listening upgrade server. */
export interface UpgradeServer {
  port: number;
  close(): Promise<void>;
}

/** Serves on 127.0.0.1:0; every upgrade request goes to `onUpgrade`, plain requests get 404. */
export async function startUpgradeServer(onUpgrade: (up: UpgradeRequest) => void): Promise<UpgradeServer> {
  const sockets = new Set<Duplex>();
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://localhost');
    onUpgrade({ req, socket, head, params: {}, query: url.searchParams });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The server's answer to a hand-made upgrade request. */
export interface DialResult {
  status: number;
  headers: Array<[string, string]>;
  /** The response body (non-101 answers only). */
  body: string;
  socket: Socket;
  /** Frames the server sent, as the client parsed them (a copy of the session's input). */
  frames: Frame[];
  /** The client session, on 101. */
  session?: SpdySession;
}

/** What to send. */
export interface DialOptions {
  port: number;
  path?: string;
  method?: string;
  /** Each becomes its own X-Stream-Protocol-Version line. */
  protocols?: string[];
  upgrade?: string;
}

/** Sends a SPDY upgrade request and, on 101, starts a client session on the socket. */
export function dialSpdy(options: DialOptions): Promise<DialResult> {
  const socket = net.connect(options.port, '127.0.0.1');
  const lines = [
    `${options.method ?? 'POST'} ${options.path ?? '/'} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: Upgrade',
    `Upgrade: ${options.upgrade ?? 'SPDY/3.1'}`,
    ...(options.protocols ?? []).map((p) => `X-Stream-Protocol-Version: ${p}`),
    'Content-Length: 0',
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
      const frames: Frame[] = [];
      if (status !== 101) {
        const body: Buffer[] = [rest];
        socket.on('data', (more: Buffer) => body.push(more));
        socket.on('close', () => resolve({ status, headers, body: Buffer.concat(body).toString('utf8'), socket, frames }));
        return;
      }
      const tap = new FrameParser((frame) => frames.push(frame));
      tap.push(rest);
      socket.on('data', (more: Buffer) => tap.push(more));
      const session = new SpdySession({ connection: socket, role: 'client', head: rest });
      resolve({ status, headers, body: '', socket, frames, session });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** Everything a readable yields until it ends, or until `ms` passes. */
export function readAll(stream: NodeJS.ReadableStream, ms = 5_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error(`stream did not end within ${ms} ms`)), ms);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** Resolves when `predicate` holds, polling every 10 ms (rejects after `ms`). */
export async function waitFor(predicate: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
