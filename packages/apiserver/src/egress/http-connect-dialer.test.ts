import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCA, issueCertificate } from '@hubspoke/pki';
import { httpConnectDialer } from './http-connect-dialer.ts';
import { roundTrip, startConnectProxy, startEcho, type ConnectProxy, type EchoServer } from './test-support.ts';

describe('the HTTP CONNECT dialer', () => {
  let echo: EchoServer;
  let tlsProxy: ConnectProxy;
  let plainProxy: ConnectProxy;
  let udsProxy: ConnectProxy;
  let client: { cert: string; key: string };
  let ca: string;
  const dir = mkdtempSync(join(tmpdir(), 'egress-'));
  const udsPath = join(dir, 'konnectivity-server.socket');

  beforeAll(async () => {
    echo = await startEcho();
    const authority = await createCA({ commonName: 'konnectivity-ca' });
    ca = authority.cert;
    const serving = await issueCertificate({ ca: authority, commonName: 'konnectivity-server', ipAddresses: ['127.0.0.1'], usage: 'server' });
    client = await issueCertificate({ ca: authority, commonName: 'system:konnectivity-client', usage: 'client' });
    tlsProxy = await startConnectProxy({ tls: { cert: serving.cert, key: serving.key, ca } });
    plainProxy = await startConnectProxy();
    udsProxy = await startConnectProxy({ udsPath });
  });

  afterAll(async () => {
    await Promise.all([echo.close(), tlsProxy.close(), plainProxy.close(), udsProxy.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('tunnels through a TCP proxy with mutual TLS, presenting the client certificate', async () => {
    const dial = httpConnectDialer({ kind: 'tcp', url: `https://127.0.0.1:${tlsProxy.port}`, tls: { ca, ...client } });
    const stream = await dial({ host: '127.0.0.1', port: echo.port }, 2_000);
    expect(await roundTrip(stream, 'ping', 9)).toBe('echo:ping');
    expect(tlsProxy.connects.at(-1)).toEqual({ target: `127.0.0.1:${echo.port}`, host: `127.0.0.1:${echo.port}`, clientCN: 'system:konnectivity-client' });
  });

  it('refuses a proxy whose certificate the caBundle does not vouch for', async () => {
    const other = await createCA({ commonName: 'someone-else' });
    const dial = httpConnectDialer({ kind: 'tcp', url: `https://127.0.0.1:${tlsProxy.port}`, tls: { ca: other.cert, ...client } });
    await expect(dial({ host: '127.0.0.1', port: echo.port }, 2_000)).rejects.toThrow(
      `dialing proxy "127.0.0.1:${tlsProxy.port}" failed: tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
  });

  it('tunnels through a Unix-socket proxy', async () => {
    const stream = await httpConnectDialer({ kind: 'uds', path: udsPath })({ host: '127.0.0.1', port: echo.port }, 2_000);
    expect(await roundTrip(stream, 'over uds', 13)).toBe('echo:over uds');
    expect(udsProxy.connects.at(-1)?.target).toBe(`127.0.0.1:${echo.port}`);
  });

  it('hands over bytes the proxy sent right after its 200', async () => {
    plainProxy.answer(() => ({ kind: 'connect', leading: 'early:' }));
    const stream = await httpConnectDialer({ kind: 'tcp', url: `http://127.0.0.1:${plainProxy.port}` })({ host: '127.0.0.1', port: echo.port }, 2_000);
    expect(await roundTrip(stream, 'x', 12)).toBe('early:echo:x');
  });

  it("reports a refusal in the apiserver's words, with the proxy's explanation", async () => {
    plainProxy.answer(() => ({ kind: 'raw', text: 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 31\r\n\r\nno agent available for 10.0.0.5' }));
    const dial = httpConnectDialer({ kind: 'tcp', url: `http://127.0.0.1:${plainProxy.port}` });
    await expect(dial({ host: '10.0.0.5', port: 10250 }, 2_000)).rejects.toThrow(
      `proxy error from 127.0.0.1:${plainProxy.port} while dialing 10.0.0.5:10250, code 503: 503 Service Unavailable: no agent available for 10.0.0.5`,
    );
  });

  it('gives up when the proxy never answers, within the dial timeout', async () => {
    plainProxy.answer(() => ({ kind: 'silent' }));
    const started = Date.now();
    const dial = httpConnectDialer({ kind: 'tcp', url: `http://127.0.0.1:${plainProxy.port}` });
    await expect(dial({ host: '10.0.0.5', port: 10250 }, 200)).rejects.toThrow(
      `reading HTTP response from CONNECT to 10.0.0.5:10250 via proxy 127.0.0.1:${plainProxy.port} failed: i/o timeout`,
    );
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('says when the proxy cannot be reached at all', async () => {
    const dial = httpConnectDialer({ kind: 'uds', path: join(dir, 'missing.socket') });
    await expect(dial({ host: '10.0.0.5', port: 10250 }, 1_000)).rejects.toThrow(
      `dialing proxy "${join(dir, 'missing.socket')}" failed: dial unix ${join(dir, 'missing.socket')}: connect: no such file or directory`,
    );
  });
});
