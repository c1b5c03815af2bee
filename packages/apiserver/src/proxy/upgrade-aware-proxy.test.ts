import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { proxyUpgrade, type UpgradeOutcome } from './upgrade-aware-proxy.ts';
import { until } from './test-support.ts';

const servers: Server[] = [];
const sockets: Duplex[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A backend that records what reaches it and answers with `reply(socket, requestHead)`. */
async function backend(reply: (socket: Socket, head: string) => void): Promise<{ port: number; received: () => string; requests: string[]; closed: Promise<void>[] }> {
  const chunks: Buffer[] = [];
  const requests: string[] = [];
  const closed: Promise<void>[] = [];
  const port = await listen((socket) => {
    closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
    let head = '';
    socket.on('data', (d: Buffer) => {
      if (!head) {
        const text = d.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        head = text.slice(0, end);
        requests.push(head);
        if (end + 4 < d.length) chunks.push(d.subarray(end + 4));
        reply(socket, head);
        return;
      }
      chunks.push(d);
    });
  });
  return { port, received: () => Buffer.concat(chunks).toString(), requests, closed };
}

interface Proxied {
  client: Socket;
  answer: () => string;
  outcome: Promise<UpgradeOutcome>;
  clientClosed: Promise<void>;
}

/** A client connected to a front socket that is handed to proxyUpgrade with `head`. */
async function proxied(dial: () => Promise<Duplex>, head = ''): Promise<Proxied> {
  let resolveOutcome!: (o: UpgradeOutcome) => void;
  const outcome = new Promise<UpgradeOutcome>((resolve) => (resolveOutcome = resolve));
  const port = await listen((front) => {
    void proxyUpgrade({
      client: { socket: front, head: Buffer.from(head) },
      backend: { url: new URL('https://127.0.0.1:10250/exec/ns/p/c?command=ls&output=1'), dial },
      method: 'POST',
      headers: { host: '127.0.0.1:10250', connection: 'Upgrade', upgrade: 'SPDY/3.1' },
    }).then(resolveOutcome);
  });
  const client = connect(port, '127.0.0.1');
  sockets.push(client);
  const received: Buffer[] = [];
  client.on('data', (d: Buffer) => received.push(d));
  client.on('error', () => {});
  const clientClosed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  await new Promise((resolve) => client.once('connect', resolve));
  return { client, answer: () => Buffer.concat(received).toString('latin1'), outcome, clientClosed };
}

const dialTo = (port: number) => () =>
  new Promise<Duplex>((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    sockets.push(s);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });

describe('proxyUpgrade', () => {
  it('sends the request, waits for the status line, relays the 101 and then splices both ways', async () => {
    const kubelet = await backend((socket) => {
      setTimeout(() => socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\n\r\nready'), 150);
      socket.on('data', (d: Buffer) => socket.write(`<${d.toString()}>`));
    });
    const p = await proxied(dialTo(kubelet.port), 'early');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(p.answer()).toBe('');
    expect(kubelet.requests[0]).toMatch(/^POST \/exec\/ns\/p\/c\?command=ls&output=1 HTTP\/1\.1\r\n/);
    expect(kubelet.received()).toBe('');
    expect((await p.outcome).kind).toBe('spliced');
    await until(() => p.answer().endsWith('<early>'));
    expect(p.answer()).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\nUpgrade: SPDY\/3\.1\r\nConnection: Upgrade\r\n\r\nready/);
    p.client.write('two');
    await until(() => p.answer().endsWith('<two>'));
    expect(kubelet.received()).toBe('earlytwo');
  });

  it('carries a large stream intact and closes the client when the backend ends', async () => {
    const payload = Buffer.alloc(8 * 1024 * 1024, 'x');
    payload.write('the end', payload.length - 7);
    const kubelet = await backend((socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n');
      socket.end(payload);
    });
    const p = await proxied(dialTo(kubelet.port));
    const outcome = await p.outcome;
    await p.clientClosed;
    const body = Buffer.from(p.answer().split('\r\n\r\n').slice(1).join('\r\n\r\n'), 'latin1');
    expect(createHash('sha256').update(body).digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(outcome.kind === 'spliced' && (await outcome.finished)).toBeUndefined();
  });

  it('refuses a non-101 success answer with 500 and never relays its Location', async () => {
    const kubelet = await backend((socket) => socket.write('HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest\r\nContent-Length: 0\r\n\r\n'));
    const p = await proxied(dialTo(kubelet.port));
    await p.clientClosed;
    expect(await p.outcome).toEqual({ kind: 'refused', status: 500, message: 'invalid upgrade response: status code 302' });
    expect(p.answer()).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
    expect(p.answer()).not.toContain('169.254');
    await kubelet.closed[0];
  });

  it('relays an error answer, then closes both connections: nothing sent later reaches the backend', async () => {
    const kubelet = await backend((socket) => socket.write('HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\n\r\nUnauthorized'));
    const p = await proxied(dialTo(kubelet.port), 'sneaky');
    expect(await p.outcome).toEqual({ kind: 'relayed-error', status: 401 });
    await until(() => p.answer().endsWith('Unauthorized'));
    expect(p.answer()).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    p.client.write('GET /run/ns/p/c?cmd=id HTTP/1.1\r\n\r\n');
    await kubelet.closed[0];
    await p.clientClosed;
    expect(kubelet.received()).toBe('');
  });

  it('answers 500 error dialing backend when the dial fails', async () => {
    const p = await proxied(() => Promise.reject(new Error('dial tcp 10.0.0.5:10250: i/o timeout')));
    await p.clientClosed;
    expect(await p.outcome).toMatchObject({ kind: 'refused', status: 500 });
    const body = JSON.parse(p.answer().split('\r\n\r\n')[1]);
    expect(body).toMatchObject({ kind: 'Status', code: 500, message: 'error dialing backend: dial tcp 10.0.0.5:10250: i/o timeout' });
  });

  it('answers 500 EOF when the backend hangs up without answering', async () => {
    const kubelet = await backend((socket) => socket.destroy());
    const p = await proxied(dialTo(kubelet.port));
    await p.clientClosed;
    expect(await p.outcome).toEqual({ kind: 'refused', status: 500, message: 'EOF' });
  });

  it('drops the backend connection when the client leaves before the backend answered', async () => {
    const kubelet = await backend(() => {});
    const p = await proxied(dialTo(kubelet.port));
    await until(() => kubelet.requests.length === 1);
    p.client.destroy();
    expect(await p.outcome).toEqual({ kind: 'client-gone' });
    await kubelet.closed[0];
  });
});
