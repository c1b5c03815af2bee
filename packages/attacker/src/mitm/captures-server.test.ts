// GET /captures over real sockets: a kubelet stand-in (TLS), the man in the middle in front of it, a client that
// talks through it, and the captures server reporting what went by.
import { request as httpsRequest } from 'node:https';
import { createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import { serveCaptures } from './captures-server.ts';
import type { CapturesResponse } from './captures-view.ts';
import { startMitm } from './mitm.ts';

const open: { close(): Promise<unknown> | void }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function kubelet(): Promise<number> {
  const cert = await createSelfSignedServingCert({ host: '127.0.0.1' });
  const server: Server = createServer({ ...cert }, (socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 17\r\nconnection: close\r\n\r\nthe-log-line-42\r\n'));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  open.push({ close: () => new Promise((r) => server.close(r)) });
  return (server.address() as AddressInfo).port;
}

describe('serveCaptures', () => {
  it('serves what the man in the middle read as JSON on GET /captures, and nothing elsewhere', async () => {
    const mitm = await startMitm({ listen: { host: '127.0.0.1', port: 0 }, upstream: { host: '127.0.0.1', port: await kubelet() } });
    open.push(mitm);
    const server = await serveCaptures({ host: '127.0.0.1', port: 0, mitm, victim: 'node-1' });
    open.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/captures$/);

    const empty = (await (await fetch(server.url)).json()) as CapturesResponse;
    expect(empty).toEqual({ attacker: { kind: 'mitm', address: '127.0.0.1', port: mitm.port, victim: 'node-1' }, refused: [], captures: [] });

    const body = await new Promise<string>((ok, fail) => {
      const req = httpsRequest({ host: '127.0.0.1', port: mitm.port, path: '/containerLogs/default/chatty/chatty', rejectUnauthorized: false }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d));
        res.on('end', () => ok(text));
      });
      req.on('error', fail);
      req.end();
    });
    expect(body).toBe('the-log-line-42\r\n');
    const after = (await (await fetch(server.url)).json()) as CapturesResponse;
    expect(after.captures).toHaveLength(1);
    expect(after.captures[0].exchanges[0]).toMatchObject({ method: 'GET', target: '/containerLogs/default/chatty/chatty', status: 200, body: 'the-log-line-42\r\n' });

    const other = await fetch(server.url.replace('/captures', '/'));
    expect(other.status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a port already in use', async () => {
    const mitm = await startMitm({ listen: { host: '127.0.0.1', port: 0 }, upstream: { host: '127.0.0.1', port: 1 } });
    open.push(mitm);
    const first = await serveCaptures({ host: '127.0.0.1', port: 0, mitm, victim: 'node-1' });
    open.push(first);
    const port = Number(new URL(first.url).port);
    await expect(serveCaptures({ host: '127.0.0.1', port, mitm, victim: 'node-1' })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
