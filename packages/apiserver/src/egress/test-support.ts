// Helpers for the egress tests: an echo server (the "node"), a tiny HTTP CONNECT proxy (the "Konnectivity
// server") on TCP+mTLS, plain TCP or a Unix socket, a node's sshd, and a round trip through a dialed stream.
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';

/** A TCP server that writes back `echo:` + every chunk it receives. */
export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

/** Start an echo server on 127.0.0.1. */
export async function startEcho(): Promise<EchoServer> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('data', (c: Buffer) => s.write(`echo:${c.toString()}`));
    s.on('error', () => {});
  });
  const port = await listenTcp(server);
  return { port, close: () => closeServer(server, sockets) };
}

/** What the proxy answers to a CONNECT: `connect` to tunnel, or a raw response to write (then close). */
export type ProxyAnswer = (target: string) => { kind: 'connect'; leading?: string } | { kind: 'raw'; text: string } | { kind: 'silent' };

/** A CONNECT proxy that records each request line and the client certificate's CN. */
export interface ConnectProxy {
  /** TCP port, or 0 for a Unix-socket proxy. */
  port: number;
  connects: { target: string; host: string; clientCN: string }[];
  answer(fn: ProxyAnswer): void;
  close(): Promise<void>;
}

/** Start a CONNECT proxy: mTLS when `tls` is given, on `udsPath` when given, else plain TCP on 127.0.0.1. */
export async function startConnectProxy(options: { tls?: { cert: string; key: string; ca: string }; udsPath?: string } = {}): Promise<ConnectProxy> {
  const connects: ConnectProxy['connects'] = [];
  const sockets = new Set<Duplex>();
  let answer: ProxyAnswer = () => ({ kind: 'connect' });
  const onConnection = (client: Socket | TLSSocket): void => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => {});
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.removeListener('data', onData);
      const [requestLine, ...headers] = head.slice(0, end).split('\r\n');
      const target = requestLine.split(' ')[1];
      const host = headers.find((h) => h.toLowerCase().startsWith('host:'))?.slice(5).trim() ?? '';
      const cn = 'getPeerCertificate' in client ? String(client.getPeerCertificate()?.subject?.CN ?? '') : '';
      connects.push({ target, host, clientCN: cn });
      const verdict = answer(target);
      if (verdict.kind === 'silent') return;
      if (verdict.kind === 'raw') return void client.end(verdict.text);
      const colon = target.lastIndexOf(':');
      const upstream = netConnect({ host: target.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(target.slice(colon + 1)) });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      upstream.once('connect', () => {
        client.write(`HTTP/1.1 200 Connection established\r\n\r\n${verdict.leading ?? ''}`);
        upstream.pipe(client).pipe(upstream);
        const rest = head.slice(end + 4);
        if (rest) upstream.write(Buffer.from(rest, 'latin1'));
      });
    };
    client.on('data', onData);
  };
  const server: Server = options.tls
    ? createTlsServer({ ...options.tls, requestCert: true, rejectUnauthorized: true }, onConnection)
    : createNetServer(onConnection);
  let port = 0;
  if (options.udsPath) await new Promise<void>((resolve) => server.listen(options.udsPath, resolve));
  else port = await listenTcp(server);
  return { port, connects, answer: (fn) => void (answer = fn), close: () => closeServer(server, sockets) };
}

/** A node's sshd: publickey auth for one key; direct-tcpip to `echoPort` whatever the destination, or else to the destination. */
export interface FakeSshd {
  port: number;
  /** SSH connections that authenticated. */
  logins: number;
  /** direct-tcpip destinations as `host:port`. */
  forwards: string[];
  close(): Promise<void>;
}

/** Start a node's sshd on 127.0.0.1 (`port` to restart one where it was). */
export async function startSshd(options: { hostKey: string; authorizedKey: string; echoPort?: number; port?: number }): Promise<FakeSshd> {
  const allowed = ssh2.utils.parseKey(options.authorizedKey);
  if (allowed instanceof Error) throw allowed;
  const state = { logins: 0, forwards: [] as string[] };
  const clients = new Set<ssh2.Connection>();
  const server = new ssh2.Server({ hostKeys: [options.hostKey] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.key.algo !== allowed.type) return ctx.reject(['publickey']);
      const blob = allowed.getPublicSSH();
      if (ctx.key.data.length !== blob.length || !timingSafeEqual(ctx.key.data, blob)) return ctx.reject(['publickey']);
      if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey']);
      ctx.accept();
    });
    client.on('ready', () => {
      state.logins++;
      client.on('tcpip', (accept, _reject, info) => {
        state.forwards.push(`${info.destIP}:${info.destPort}`);
        const channel = accept();
        const upstream = options.echoPort ? netConnect({ host: '127.0.0.1', port: options.echoPort }) : netConnect({ host: info.destIP, port: info.destPort });
        upstream.on('error', () => channel.close());
        channel.pipe(upstream).pipe(channel);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    get logins() {
      return state.logins;
    },
    forwards: state.forwards,
    close: () =>
      new Promise((resolve) => {
        for (const c of clients) c.end();
        server.close(() => resolve());
      }),
  };
}

/** Write `text` on a dialed stream and collect what comes back until `expected` bytes arrived. */
export function roundTrip(stream: Duplex, text: string, expected: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    stream.on('data', (c: Buffer) => {
      got += c.toString();
      if (got.length >= expected) {
        stream.destroy();
        resolve(got);
      }
    });
    stream.on('error', reject);
    stream.write(text);
  });
}

async function listenTcp(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server, sockets: Set<Duplex>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}
