// Test helpers: certificates, an echo server, and an HTTP CONNECT client over the Unix-socket frontend.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCA, issueCertificate, type CertKey } from '@hubspoke/pki';

/** A cluster CA, the server's agent-port certificate for 127.0.0.1, and an agent client certificate. */
export interface TestPki {
  ca: CertKey;
  serverCert: CertKey;
  agentCert: CertKey;
}

/** Issues the certificates a server and its agents need. */
export async function createTestPki(): Promise<TestPki> {
  const ca = await createCA({ commonName: 'konnectivity-test-ca' });
  const serverCert = await issueCertificate({ ca, commonName: 'konnectivity-server', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], usage: 'server' });
  const agentCert = await issueCertificate({ ca, commonName: 'system:konnectivity-agent', usage: 'client' });
  return { ca, serverCert, agentCert };
}

/** A fresh path for a Unix socket. */
export function tempSocketPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'konn-')), 'konnectivity-server.socket');
}

/** A TCP echo server on 127.0.0.1 that records its sockets' errors. */
export interface EchoServer {
  port: number;
  errors: Error[];
  sockets: Set<Socket>;
  close(): Promise<void>;
}

/** Starts an echo server (every byte read is written back, with backpressure). */
export async function startEchoServer(): Promise<EchoServer> {
  const errors: Error[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', (error) => errors.push(error));
    socket.on('close', () => sockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    errors,
    sockets,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The answer to a CONNECT: the status and body, and on 200 the open socket. */
export interface ConnectAnswer {
  status: number;
  body: string;
  socket: Socket;
}

/** Reads the next chunk from a CONNECT socket (which connectThrough leaves paused). */
export function nextChunk(socket: Socket, minLength = 1): Promise<string> {
  // TCP may split (or join) what the other side wrote: keep reading until `minLength` bytes arrived.
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let length = 0;
    const onData = (d: Buffer) => {
      parts.push(d);
      length += d.length;
      if (length < minLength) return;
      socket.off('data', onData);
      socket.pause();
      resolve(Buffer.concat(parts).toString());
    };
    socket.on('data', onData);
    socket.resume();
  });
}

/** Sends `CONNECT target` over the Unix socket and reads the answer head (and body when not 200). */
export function connectThrough(udsPath: string, target: string): Promise<ConnectAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(udsPath);
    socket.once('error', reject);
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(buffered.subarray(0, end).toString())?.[1]);
      const rest = buffered.subarray(end + 4);
      socket.off('error', reject);
      if (status === 200) {
        if (rest.length > 0) socket.unshift(rest);
        resolve({ status, body: '', socket });
        return;
      }
      const parts: Buffer[] = [rest];
      socket.on('data', (c: Buffer) => parts.push(c));
      socket.on('end', () => resolve({ status, body: Buffer.concat(parts).toString(), socket }));
      socket.resume();
    };
    socket.on('data', onData);
  });
}

/** Reads exactly `length` bytes from `socket` and returns their SHA-256; rejects if the stream ends or fails first. */
export function hashIncoming(socket: Socket, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      const take = chunk.subarray(0, length - received);
      hash.update(take);
      received += take.length;
      if (received === length) resolve(hash.digest('hex'));
    });
    socket.once('error', (error) => reject(error));
    socket.once('close', () => {
      if (received < length) reject(new Error(`stream ended after ${received} of ${length} bytes`));
    });
    socket.resume();
  });
}

/** Polls `check` until it is true (or fails after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** GETs a plain-HTTP probe path. */
export async function probe(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}
