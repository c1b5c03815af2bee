// The node's SSH server for the apiserver's (deprecated, C13/C14) SSH tunnels: public-key authentication
// against authorized_keys, direct-tcpip forwarding only. We own the TCP listener and hand sockets to ssh2
// (injectSocket), so close() can reach every socket, authenticated or not.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import ssh2 from 'ssh2';
import type { AuthContext, ClientInfo, Connection } from 'ssh2';
import { findAuthorizedKey, parseAuthorizedKeys, type AuthorizedKey } from './authorized-keys.ts';
import { OpenFailure, rejectChannel } from './channel-open-failure.ts';
import { forward, type ForwardRequest } from './forward.ts';
import { generateHostKeyPem, loadHostKey } from './host-key.ts';

/** Decides whether an authenticated user may forward to a destination (the `permitopen` idea). */
export type DestinationPolicy = (request: ForwardRequest & { user: string }) => boolean;

/** How to run the server; only authorizedKeys is required. */
export interface SshdOptions {
  /** Private host keys as PEM (OpenSSH, PKCS#1, SEC1 or PKCS#8); one ed25519 key is generated when empty. */
  hostKeys?: string[];
  /** OpenSSH authorized_keys text: the keys allowed to log in. */
  authorizedKeys: string;
  /** Default 0.0.0.0. */
  listenAddress?: string;
  /** Default 22; 0 picks a free port. */
  port?: number;
  /** Accept only this login name when given. */
  user?: string;
  allowedDestinations?: DestinationPolicy;
  /** Unauthenticated connections are dropped after this long (OpenSSH LoginGraceTime); default 120 s. */
  loginGraceMs?: number;
  /** Default 30 s. */
  dialTimeoutMs?: number;
  logger?: Logger;
}

/** What a connection looks like from outside, for status pages and tests. */
export interface SshConnectionInfo {
  remoteAddress: string;
  remotePort: number;
  /** Set once authenticated. */
  user?: string;
  keyFingerprint?: string;
  openForwards: number;
}

/** A running server. */
export interface Sshd {
  port: number;
  address: string;
  /** OpenSSH `SHA256:…` fingerprint of the first host key (what `known_hosts` pinning compares). */
  hostKeyFingerprint: string;
  /** Stops listening and ends every connection and forwarded socket; resolves when all are closed. */
  close(): Promise<void>;
  connections(): SshConnectionInfo[];
}

interface Tracked {
  socket: Socket;
  info: SshConnectionInfo;
  conn?: Connection;
  forwards: Set<Socket>;
}

/** Starts listening; rejects when a host key or the address is unusable. */
export async function startSshd(options: SshdOptions): Promise<Sshd> {
  const logger = (options.logger ?? pino()).child({ component: 'sshd' });
  const hostKeys = (options.hostKeys?.length ? options.hostKeys : [generateHostKeyPem()]).map(loadHostKey);
  const authorized = parseAuthorizedKeys(options.authorizedKeys);
  for (const e of authorized.errors) logger.warn({ line: e.line, error: e.message }, 'Ignoring authorized_keys line');
  for (const k of authorized.keys.filter((k) => k.options !== '')) {
    logger.warn({ fingerprint: k.fingerprint, options: k.options }, 'authorized_keys options are not enforced');
  }
  const loginGraceMs = options.loginGraceMs ?? 120_000;
  const dialTimeoutMs = options.dialTimeoutMs ?? 30_000;
  const tracked = new Set<Tracked>();

  const ssh = new ssh2.Server({ hostKeys: hostKeys.map((k) => k.pem), ident: 'hubspoke-sshd' });
  ssh.on('connection', (conn: Connection, peer: ClientInfo) => {
    // ssh2 does not hand over the socket; the peer's address and port identify it among ours.
    const entry = [...tracked].find(
      (t) => t.conn === undefined && t.info.remoteAddress === peer.ip && t.info.remotePort === peer.port,
    );
    if (entry) entry.conn = conn;
    serve(conn, entry);
  });

  function serve(conn: Connection, entry: Tracked | undefined): void {
    const info = entry?.info ?? { remoteAddress: '', remotePort: 0, openForwards: 0 };
    const log = logger.child({ remoteAddress: info.remoteAddress, remotePort: info.remotePort });
    let authenticated: { user: string; key: AuthorizedKey } | undefined;
    let closed = false;

    conn.on('error', (err: Error) => log.debug({ err: err.message }, 'SSH connection error'));
    conn.on('authentication', (ctx: AuthContext) => {
      if (ctx.method !== 'publickey') {
        ctx.reject(['publickey']);
        return;
      }
      const key = findAuthorizedKey(authorized.keys, ctx.key.data);
      const wrongUser = options.user !== undefined && ctx.username !== options.user;
      if (!key || wrongUser) {
        log.info({ user: ctx.username, reason: key ? 'user not allowed' : 'key not authorized' }, 'Refused public key');
        ctx.reject(['publickey']);
        return;
      }
      // Without a signature the client only asks whether the key would do (RFC 4252 §7); saying yes is safe.
      if (!ctx.signature || !ctx.blob) {
        ctx.accept();
        return;
      }
      if (!key.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) {
        log.info({ user: ctx.username, fingerprint: key.fingerprint }, 'Refused public key: bad signature');
        ctx.reject(['publickey']);
        return;
      }
      authenticated = { user: ctx.username, key };
      ctx.accept();
    });
    conn.on('ready', () => {
      if (!authenticated) return;
      info.user = authenticated.user;
      info.keyFingerprint = authenticated.key.fingerprint;
      entry?.socket.setTimeout(0);
      log.info({ user: info.user, fingerprint: info.keyFingerprint }, 'Accepted publickey connection');
    });
    conn.on('session', (_accept, reject) => {
      log.warn({ user: info.user }, 'Refused session channel: this server only forwards TCP (no shell, no exec)');
      rejectChannel(conn, reject, { code: OpenFailure.administrativelyProhibited, text: 'this server only forwards TCP' });
    });
    conn.on('request', (_accept, reject, name: string) => {
      log.warn({ user: info.user, request: name }, 'Refused global request: this server only forwards TCP out');
      reject?.();
    });
    conn.on('tcpip', (accept, reject, req) => {
      const to: ForwardRequest = { host: req.destIP, port: req.destPort };
      const user = info.user ?? '';
      if (options.allowedDestinations && !options.allowedDestinations({ ...to, user })) {
        log.warn({ user, destination: `${to.host}:${to.port}` }, 'Refused forward: destination not allowed');
        rejectChannel(conn, reject, { code: OpenFailure.administrativelyProhibited, text: 'destination not allowed' });
        return;
      }
      void forward({ conn, accept, reject, to, dialTimeoutMs }).then((result) => {
        if (result.kind === 'failed') {
          log.info({ user, destination: `${to.host}:${to.port}`, reason: result.reason }, 'Forward failed');
          return;
        }
        if (closed) {
          // The SSH connection died while we dialed: nothing is left to carry these bytes.
          result.socket.destroy();
          return;
        }
        log.info({ user, destination: `${to.host}:${to.port}` }, 'Forwarding');
        info.openForwards++;
        entry?.forwards.add(result.socket);
        result.socket.once('close', () => {
          info.openForwards--;
          entry?.forwards.delete(result.socket);
        });
      });
    });
    conn.on('close', () => {
      closed = true;
      for (const s of entry?.forwards ?? []) s.destroy();
      if (info.user) log.info({ user: info.user }, 'Connection closed');
    });
  }

  const server = createServer((socket) => {
    const entry: Tracked = {
      socket,
      info: { remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, openForwards: 0 },
      forwards: new Set(),
    };
    tracked.add(entry);
    socket.setTimeout(loginGraceMs, () => {
      if (!entry.info.user) socket.destroy();
    });
    socket.once('close', () => {
      tracked.delete(entry);
      for (const s of entry.forwards) s.destroy();
    });
    ssh.injectSocket(socket);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 22, options.listenAddress ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logger.error({ err: err.message }, 'SSH listener error'));
  const bound = server.address() as AddressInfo;
  logger.info({ address: bound.address, port: bound.port, hostKeys: hostKeys.map((k) => k.fingerprint) }, 'Listening for SSH tunnels');

  return {
    port: bound.port,
    address: bound.address,
    hostKeyFingerprint: hostKeys[0]!.fingerprint,
    connections: () => [...tracked].map((t) => ({ ...t.info })),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(
        [...tracked].map(
          (t) =>
            new Promise<void>((resolve) => {
              if (t.socket.destroyed) return resolve();
              t.socket.once('close', () => resolve());
              for (const s of t.forwards) s.destroy();
              // A polite disconnect first; a peer that does not hang up within a second is cut off.
              t.conn?.end();
              if (!t.conn) t.socket.destroy();
              setTimeout(() => t.socket.destroy(), 1000).unref();
            }),
        ),
      );
      await closed;
    },
  };
}
