import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import ssh2 from 'ssh2';
import type { Client as SshClient, ClientChannel, ConnectConfig } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { startSshd, type Sshd, type SshdOptions } from './sshd.ts';
import { testKeyPair } from './testing/key-pair.ts';

const silent = pino({ level: 'silent' });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function clientKey() {
  const pair = testKeyPair('apiserver');
  return { privateKey: pair.private, authorizedLine: pair.public };
}

async function serve(options: Partial<SshdOptions> & { authorizedKeys: string }): Promise<Sshd> {
  const sshd = await startSshd({ listenAddress: '127.0.0.1', port: 0, logger: silent, ...options });
  cleanups.push(() => sshd.close());
  return sshd;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

function echoServer(): { server: Server; sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.pipe(s);
  });
  cleanups.push(() => sockets.forEach((s) => s.destroy()));
  return { server, sockets };
}

/** Connects and resolves on 'ready', or rejects with the client's error (e.g. authentication failure). */
function connectClient(config: ConnectConfig): Promise<SshClient> {
  const client = new ssh2.Client();
  cleanups.push(() => {
    client.end();
  });
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', readyTimeout: 10_000, ...config });
  });
}

function forwardOut(client: SshClient, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) =>
    client.forwardOut('127.0.0.1', 0, '127.0.0.1', port, (err, stream) => (err ? reject(err) : resolve(stream))),
  );
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('startSshd', () => {
  it('relays 8 MiB both ways through a direct-tcpip channel intact', async () => {
    const key = clientKey();
    const sshd = await serve({ authorizedKeys: key.authorizedLine, user: 'kube-apiserver' });
    const echo = echoServer();
    const echoPort = await listen(echo.server);
    let hostFingerprint = '';
    const client = await connectClient({
      port: sshd.port,
      username: 'kube-apiserver',
      privateKey: key.privateKey,
      hostHash: 'sha256',
      hostVerifier: (hash: string) => {
        hostFingerprint = `SHA256:${Buffer.from(hash, 'hex').toString('base64').replace(/=+$/, '')}`;
        return true;
      },
    });
    expect(hostFingerprint).toBe(sshd.hostKeyFingerprint);
    expect(sshd.connections()).toEqual([expect.objectContaining({ user: 'kube-apiserver', openForwards: 0 })]);

    const stream = await forwardOut(client, echoPort);
    const payload = randomBytes(8 * 1024 * 1024);
    const received = createHash('sha256');
    let receivedBytes = 0;
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        received.update(chunk);
        receivedBytes += chunk.length;
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    for (let off = 0; off < payload.length; off += 64 * 1024) {
      if (!stream.write(payload.subarray(off, off + 64 * 1024))) await new Promise((r) => stream.once('drain', r));
    }
    expect(sshd.connections()[0]?.openForwards).toBe(1);
    stream.end();
    await done;
    expect(receivedBytes).toBe(payload.length);
    expect(received.digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
  });

  it('delivers everything a destination wrote before it hung up', async () => {
    const key = clientKey();
    const sshd = await serve({ authorizedKeys: key.authorizedLine });
    const payload = randomBytes(4 * 1024 * 1024);
    const talker = createServer((s) => s.end(payload));
    const talkerPort = await listen(talker);
    const client = await connectClient({ port: sshd.port, username: 'kube-apiserver', privateKey: key.privateKey });
    const stream = await forwardOut(client, talkerPort);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    await new Promise<void>((resolve, reject) => stream.once('end', resolve).once('error', reject));
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
  });

  it('refuses a key that is not in authorized_keys', async () => {
    const sshd = await serve({ authorizedKeys: clientKey().authorizedLine });
    const stranger = clientKey();
    await expect(connectClient({ port: sshd.port, username: 'kube-apiserver', privateKey: stranger.privateKey })).rejects.toMatchObject({
      level: 'client-authentication',
    });
    expect(sshd.connections().filter((c) => c.user !== undefined)).toEqual([]);
  });

  it('refuses an authorized key offered for another user name', async () => {
    const key = clientKey();
    const sshd = await serve({ authorizedKeys: key.authorizedLine, user: 'kube-apiserver' });
    await expect(connectClient({ port: sshd.port, username: 'root', privateKey: key.privateKey })).rejects.toMatchObject({
      level: 'client-authentication',
    });
  });

  it('refuses password and keyboard-interactive authentication', async () => {
    const sshd = await serve({ authorizedKeys: clientKey().authorizedLine });
    await expect(
      connectClient({ port: sshd.port, username: 'root', password: 'hunter2', tryKeyboard: true }),
    ).rejects.toMatchObject({ level: 'client-authentication' });
  });

  it('refuses session channels, so exec and shell fail', async () => {
    const key = clientKey();
    const sshd = await serve({ authorizedKeys: key.authorizedLine });
    const client = await connectClient({ port: sshd.port, username: 'kube-apiserver', privateKey: key.privateKey });
    const err = await new Promise<Error | undefined>((resolve) => client.exec('id', (e) => resolve(e)));
    expect(err?.message).toContain('this server only forwards TCP');
    expect((err as Error & { reason?: number }).reason).toBe(1);
  });

  it('refuses remote forwarding (tcpip-forward)', async () => {
    const key = clientKey();
    const sshd = await serve({ authorizedKeys: key.authorizedLine });
    const client = await connectClient({ port: sshd.port, username: 'kube-apiserver', privateKey: key.privateKey });
    const err = await new Promise<Error | undefined>((resolve) => client.forwardIn('127.0.0.1', 0, (e) => resolve(e)));
    expect(err).toBeInstanceOf(Error);
  });

  it('fails the channel open with a reason when the destination refuses the connection', async () => {
    const key = clientKey();
    const sshd = await serve({ authorizedKeys: key.authorizedLine });
    const client = await connectClient({ port: sshd.port, username: 'kube-apiserver', privateKey: key.privateKey });
    const err = await forwardOut(client, await closedPort()).then(
      () => undefined,
      (e: Error & { reason?: number }) => e,
    );
    expect(err?.message).toBe('(SSH) Channel open failure: Connection refused');
    expect(err?.reason).toBe(2);
  });

  it('refuses a destination the policy does not allow, without dialing it', async () => {
    const key = clientKey();
    const echo = echoServer();
    const echoPort = await listen(echo.server);
    let dialed = false;
    echo.server.on('connection', () => (dialed = true));
    const sshd = await serve({ authorizedKeys: key.authorizedLine, allowedDestinations: ({ port }) => port === 10250 });
    const client = await connectClient({ port: sshd.port, username: 'kube-apiserver', privateKey: key.privateKey });
    const err = await forwardOut(client, echoPort).then(
      () => undefined,
      (e: Error & { reason?: number }) => e,
    );
    expect(err?.reason).toBe(1);
    expect(dialed).toBe(false);
  });

  it('close() mid-stream ends the forwarded stream and the dialed socket', async () => {
    const key = clientKey();
    const sshd = await startSshd({ listenAddress: '127.0.0.1', port: 0, logger: silent, authorizedKeys: key.authorizedLine });
    const echo = echoServer();
    const echoPort = await listen(echo.server);
    const client = await connectClient({ port: sshd.port, username: 'kube-apiserver', privateKey: key.privateKey });
    client.on('error', () => {});
    const stream = await forwardOut(client, echoPort);
    const firstEcho = new Promise((resolve) => stream.once('data', resolve));
    stream.write('ping');
    await firstEcho;
    expect(echo.sockets.size).toBe(1);
    const streamClosed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    const [dialed] = echo.sockets;
    const dialedClosed = new Promise<void>((resolve) => dialed!.once('close', () => resolve()));

    await sshd.close();
    await streamClosed;
    await dialedClosed;
    expect(sshd.connections()).toEqual([]);
  });

  it('reports the same host key fingerprint it was given', async () => {
    const hostKey = testKeyPair().private;
    const a = await serve({ authorizedKeys: '', hostKeys: [hostKey] });
    const b = await serve({ authorizedKeys: '', hostKeys: [hostKey] });
    expect(a.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(b.hostKeyFingerprint).toBe(a.hostKeyFingerprint);
  });

  it('drops a connection that does not authenticate within the login grace time', async () => {
    const sshd = await serve({ authorizedKeys: clientKey().authorizedLine, loginGraceMs: 200 });
    const raw = connect(sshd.port, '127.0.0.1');
    cleanups.push(() => {
      raw.destroy();
    });
    raw.on('error', () => {});
    const banner = new Promise<string>((resolve) => raw.once('data', (d: Buffer) => resolve(d.toString())));
    expect(await banner).toMatch(/^SSH-2\.0-hubspoke-sshd/);
    await new Promise<void>((resolve) => raw.once('close', () => resolve()));
    // The server's side of the socket closes a moment after the client's sees it.
    for (let i = 0; i < 100 && sshd.connections().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sshd.connections()).toEqual([]);
  });
});
