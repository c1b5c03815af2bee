// Where the malicious kubelet's redirects point: the attacker's own listener (or a stand-in for another node),
// recording every connection and every byte that reaches it. An apiserver that followed a redirect would show
// up here with the user's stream, and over TLS with its kubelet client certificate.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** One connection that reached the target. */
export interface TargetArrival {
  remote: string;
  /** Everything received (a TLS ClientHello, or a plaintext request). */
  bytes: Buffer;
}

/** A running target. */
export interface RedirectTarget {
  readonly host: string;
  readonly port: number;
  /** `https://host:port/`, for a redirect's Location. */
  readonly url: string;
  arrivals(): TargetArrival[];
  close(): Promise<void>;
}

/** Listen on `host:port` (0 = any) and record what arrives; nothing is ever answered. */
export async function startRedirectTarget(listen: { host: string; port: number }): Promise<RedirectTarget> {
  const arrivals: TargetArrival[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const arrival: TargetArrival = { remote: `${socket.remoteAddress}:${socket.remotePort}`, bytes: Buffer.alloc(0) };
    arrivals.push(arrival);
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => (arrival.bytes = Buffer.concat([arrival.bytes, chunk])));
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    host: listen.host,
    port,
    url: `https://${hostPart}:${port}/`,
    arrivals: () => [...arrivals],
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
