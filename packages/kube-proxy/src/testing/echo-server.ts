// Test endpoints: TCP servers that announce their name on connect and echo every byte back, and a client
// that speaks to them (through a Service address or directly).
import net from 'node:net';
import type { Server, Socket } from 'node:net';

/** A running echo endpoint. */
export interface EchoServer {
  name: string;
  ip: string;
  port: number;
  /** Connections accepted so far. */
  accepted: number;
  close(): Promise<void>;
}

/** An echo server on `ip` (port from the OS) that greets each connection with `name\n`. */
export async function startEchoServer(ip: string, name: string): Promise<EchoServer> {
  const sockets = new Set<Socket>();
  const handle: EchoServer = { name, ip, port: 0, accepted: 0, close: async () => {} };
  const server: Server = net.createServer((socket) => {
    handle.accepted++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.write(`${name}\n`);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: ip, port: 0 }, resolve);
  });
  handle.port = (server.address() as net.AddressInfo).port;
  handle.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return handle;
}

/** What one exchange with an echo endpoint returned. */
export interface Exchange {
  /** The name the endpoint greeted with. */
  name: string;
  /** The bytes echoed back after the greeting. */
  echoed: Buffer;
}

/**
 * Connects to `host:port` (from `localAddress` when given), sends `payload`, half-closes, and collects
 * everything until the far side closes. Rejects with the socket error (ECONNREFUSED, ECONNRESET, …).
 */
export function exchange(host: string, port: number, payload: Buffer | string = '', localAddress?: string): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host, port, localAddress });
    socket.on('connect', () => socket.end(payload));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const nl = all.indexOf(10);
      if (nl < 0) return reject(Object.assign(new Error('connection ended without a greeting'), { code: 'NO_GREETING' }));
      resolve({ name: all.subarray(0, nl).toString(), echoed: all.subarray(nl + 1) });
    });
  });
}

/** The error code a connection attempt to `host:port` ends with, or 'ok' when it is served. */
export async function connectOutcome(host: string, port: number, localAddress?: string): Promise<string> {
  try {
    await exchange(host, port, 'x', localAddress);
    return 'ok';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
  }
}
