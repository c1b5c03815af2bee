// The sniffer on one host: listeners with a fixed upstream stand in for the routes that deliver a pod's
// traffic across hosts (test/cross-host-attacks.test.ts proves the original-destination relay there).
import { X509Certificate } from 'node:crypto';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { Agent, createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import { startSniff, type Sniffer } from './sniff.ts';

const open: { close(): unknown }[] = [];

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** A pod-like server answering `/echo` with its body and anything else with `pod says <path>`. */
async function pod(server: Server): Promise<number> {
  server.on('request', (req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => res.end(req.url === '/echo' ? body : `pod says ${req.url}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise((resolve) => server.close(resolve)) });
  return (server.address() as AddressInfo).port;
}

async function sniffer(options: Parameters<typeof startSniff>[0]): Promise<Sniffer> {
  const s = await startSniff({ host: '127.0.0.1', ...options });
  open.push(s);
  return s;
}

/** One request; resolves with the status, body and (for TLS) the certificate the client was shown. */
function send(opts: { port: number; tls?: boolean; method?: string; path: string; body?: string; agent?: Agent }): Promise<{ status: number; body: string; peer?: X509Certificate }> {
  const make = opts.tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = make({ host: '127.0.0.1', port: opts.port, method: opts.method ?? 'GET', path: opts.path, rejectUnauthorized: false, agent: opts.agent }, (res) => {
      let body = '';
      // Read now: the socket is detached from the response (and may serve another) once the body has ended.
      const raw = opts.tls ? (res.socket as TLSSocket).getPeerCertificate().raw : undefined;
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, peer: raw ? new X509Certificate(raw) : undefined });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('startSniff', () => {
  it('relays plain HTTP and records the request line, headers, body and the pod\'s answer', async () => {
    const upstream = await pod(createHttpServer());
    const s = await sniffer({ listeners: [{ port: 0, upstream: { host: '127.0.0.1', port: upstream } }] });
    const seen: string[] = [];
    s.onCapture((c) => seen.push(`capture ${c.id}`));
    s.onExchange((c, x) => seen.push(`exchange ${c.id} ${x.response?.status}`));

    const r = await send({ port: s.ports[0], method: 'POST', path: '/echo', body: 'password=hunter2' });
    expect(r).toMatchObject({ status: 200, body: 'password=hunter2' });

    const [capture] = s.captures();
    expect(capture).toMatchObject({ scheme: 'http', impersonated: false, destination: `127.0.0.1:${s.ports[0]}` });
    const [x] = capture.exchanges;
    expect(x.request.raw).toMatch(/^POST \/echo HTTP\/1\.1\r\n/);
    expect(x.request.headers['content-length']).toBe('16');
    expect(x.request.body).toBe('password=hunter2');
    expect(x.response).toMatchObject({ status: 200, body: 'password=hunter2' });
    expect(seen).toEqual(['capture 1', 'exchange 1 200']);
  });

  it('terminates TLS with its own certificate, reads the plaintext and relays over TLS', async () => {
    const podCert = await createSelfSignedServingCert({ host: '127.0.0.1' });
    const attackerCert = await createSelfSignedServingCert({ host: 'hubspoke-attacker' });
    const upstream = await pod(createHttpsServer({ cert: podCert.cert, key: podCert.key }));
    const s = await sniffer({ certificate: attackerCert, listeners: [{ port: 0, tls: true, upstream: { host: '127.0.0.1', port: upstream } }] });

    const r = await send({ port: s.ports[0], tls: true, path: '/secret?token=abc' });
    expect(r).toMatchObject({ status: 200, body: 'pod says /secret?token=abc' });
    expect(r.peer?.fingerprint256).toBe(new X509Certificate(attackerCert.cert).fingerprint256);

    const [capture] = s.captures();
    expect(capture).toMatchObject({ scheme: 'https', impersonated: false });
    expect(capture.exchanges[0].request.target).toBe('/secret?token=abc');
    expect(capture.exchanges[0].response?.body).toBe('pod says /secret?token=abc');
  });

  it('answers every request of a kept-alive TLS connection itself when impersonating', async () => {
    const s = await sniffer({ listeners: [{ port: 0, tls: true, impersonate: (req) => ({ body: `attacker answers ${req.target}` }) }] });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    open.push({ close: () => agent.destroy() });

    expect(await send({ port: s.ports[0], tls: true, path: '/one', agent })).toMatchObject({ status: 200, body: 'attacker answers /one' });
    expect(await send({ port: s.ports[0], tls: true, method: 'POST', path: '/two', body: 'x', agent })).toMatchObject({ body: 'attacker answers /two' });

    const [capture, ...rest] = s.captures();
    expect(rest).toEqual([]);
    expect(capture).toMatchObject({ scheme: 'https', impersonated: true });
    expect(capture.exchanges.map((x) => [x.request.method, x.request.target, x.request.body, x.response?.body])).toEqual([
      ['GET', '/one', '', 'attacker answers /one'],
      ['POST', '/two', 'x', 'attacker answers /two'],
    ]);
  });

  it('refuses a connection addressed to itself instead of relaying it back to itself', async () => {
    const s = await sniffer({ listeners: [{ port: 0 }] });
    await expect(send({ port: s.ports[0], path: '/' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(s.captures()).toEqual([]);
  });
});
