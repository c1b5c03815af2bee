// Helpers for the apiserver → kubelet tests: a fake kubelet (a real HTTPS server that records what reaches
// it and answers as told) and a client that speaks raw HTTP/1.1 upgrades over TLS.
import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

/** One request as the kubelet saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  /** CN of the client certificate presented, '' when none. */
  clientCN: string;
  body: string;
  upgrade: boolean;
}

/** An upgrade connection the kubelet accepted: the bytes it received after the head, and its end. */
export interface UpgradeRecord {
  request: RecordedRequest;
  received(): string;
  closed: Promise<void>;
}

/** Answers an upgrade request on the raw socket (write a 101, an error, …). */
export type UpgradeAnswer = (req: IncomingMessage, socket: Duplex) => void;

/** A kubelet stand-in. */
export interface FakeKubelet {
  port: number;
  requests: RecordedRequest[];
  upgrades: UpgradeRecord[];
  /** Replace the answer to ordinary requests (default: 200 `fake log line\n`). */
  onRequest(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): void;
  /** Replace the answer to upgrades (default: `echo101`). */
  onUpgrade(answer: UpgradeAnswer): void;
  close(): Promise<void>;
}

/** 101, then `hello ` and every received chunk echoed back as `echo:<chunk>`. */
export const echo101: UpgradeAnswer = (req, socket) => {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${req.headers.upgrade}\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\nhello `);
  socket.on('data', (chunk: Buffer) => socket.write(`echo:${chunk.toString()}`));
};

/** A fixed raw response, and the connection stays open (as a malicious or confused backend might). */
export function rawAnswer(text: string): UpgradeAnswer {
  return (_req, socket) => socket.write(text);
}

/** Start a fake kubelet on 127.0.0.1 serving `cert` (chain) and `key`; it asks for client certificates. */
export async function startFakeKubelet(serving: { cert: string; key: string }): Promise<FakeKubelet> {
  const requests: RecordedRequest[] = [];
  const upgrades: UpgradeRecord[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('fake log line\n');
  };
  let upgradeAnswer: UpgradeAnswer = echo101;
  const sockets = new Set<Duplex>();
  const server: Server = createServer({ cert: serving.cert, key: serving.key, requestCert: true, rejectUnauthorized: false });
  server.on('connection', (s: Duplex) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      requests.push(record(req, body, false));
      handler(req, res, body);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    const request = record(req, '', true);
    requests.push(request);
    const received: Buffer[] = head.length > 0 ? [head] : [];
    socket.on('data', (c: Buffer) => received.push(c));
    socket.on('error', () => socket.destroy());
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    upgrades.push({ request, received: () => Buffer.concat(received).toString(), closed });
    upgradeAnswer(req, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    upgrades,
    onRequest: (h) => (handler = h),
    onUpgrade: (a) => (upgradeAnswer = a),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function record(req: IncomingMessage, body: string, upgrade: boolean): RecordedRequest {
  const peer = (req.socket as TLSSocket).getPeerCertificate?.();
  return {
    method: req.method ?? '',
    url: req.url ?? '',
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    clientCN: peer && 'subject' in peer && peer.subject ? String(peer.subject.CN ?? '') : '',
    body,
    upgrade,
  };
}

/** The answer to a raw upgrade request: status, headers, and the socket with any bytes read past the head. */
export interface RawAnswer {
  status: number;
  head: string;
  /** Bytes after the response head received so far (more arrive on `socket`). */
  rest: () => string;
  socket: TLSSocket;
  /** Resolves when the apiserver closed the connection. */
  closed: Promise<void>;
}

/** Send `METHOD path` with `headers` on a fresh TLS connection to `url`, return once the response head arrived. */
export function rawRequest(url: string, method: string, path: string, headers: Record<string, string | string[]>, body = ''): Promise<RawAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: target.hostname, port: Number(target.port), rejectUnauthorized: false });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    let buffered = Buffer.alloc(0);
    let headDone = false;
    let rest = Buffer.alloc(0);
    socket.on('error', reject);
    socket.once('secureConnect', () => {
      const lines = [`${method} ${path} HTTP/1.1`, `Host: ${target.host}`];
      for (const [name, value] of Object.entries(headers)) for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    });
    socket.on('data', (chunk: Buffer) => {
      if (headDone) {
        rest = Buffer.concat([rest, chunk]);
        return;
      }
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      headDone = true;
      const head = buffered.subarray(0, end).toString('latin1');
      rest = buffered.subarray(end + 4);
      resolve({ status: Number(head.split(' ')[1]), head, rest: () => rest.toString(), socket, closed });
    });
  });
}

/** A buffered answer to an ordinary request. */
export interface HttpAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** An ordinary HTTPS request to the apiserver (its serving certificate is not checked here). */
export function httpRequest(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<HttpAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: target.hostname, port: target.port, method, path, headers, rejectUnauthorized: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Poll until `check` holds (or throw after `timeoutMs`). */
export async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
