import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { createCA, createSelfSignedServingCert, issueCertificate, type CertKey } from '@hubspoke/pki';
import { createKubeletClient } from './client.ts';
import { directDialer, type Dialer } from './dialer.ts';

let ca: CertKey;
let apiserverClient: CertKey;
let selfSigned: CertKey;
const servers: TcpServer[] = [];

beforeAll(async () => {
  ca = await createCA();
  [apiserverClient, selfSigned] = await Promise.all([
    issueCertificate({ ca, commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' }),
    createSelfSignedServingCert({ host: '127.0.0.1' }),
  ]);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

interface TlsKubelet {
  port: number;
  clientCNs: string[];
  received: Buffer[];
}

async function tlsKubelet(serving: CertKey): Promise<TlsKubelet> {
  const state: TlsKubelet = { port: 0, clientCNs: [], received: [] };
  const server = createTlsServer({ cert: serving.cert, key: serving.key, requestCert: true, rejectUnauthorized: false }, (socket: TLSSocket) => {
    const peer = socket.getPeerCertificate();
    state.clientCNs.push(peer?.subject ? String(peer.subject.CN) : '');
    socket.on('data', (d: Buffer) => state.received.push(d));
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

function warnings(): Logger & { messages: string[] } {
  const messages: string[] = [];
  return { messages, warn: (msg: string) => messages.push(msg) } as unknown as Logger & { messages: string[] };
}

describe('createKubeletClient', () => {
  it('reaches a self-signed kubelet without --kubelet-certificate-authority, presents the client certificate, and warns once', async () => {
    const kubelet = await tlsKubelet(selfSigned);
    const logger = warnings();
    const client = createKubeletClient({ clientCert: apiserverClient.cert, clientKey: apiserverClient.key, timeoutMs: 2_000, logger });
    const socket = await client.connect({ host: '127.0.0.1', port: kubelet.port });
    socket.end('hi');
    expect(client.verifies).toBe(false);
    await expect.poll(() => kubelet.clientCNs).toEqual(['kube-apiserver-kubelet-client']);
    await client.connect({ host: '127.0.0.1', port: kubelet.port }).then((s) => s.destroy());
    expect(logger.messages).toHaveLength(1);
    expect(logger.messages[0]).toMatch(/NOT verified/);
  });

  it('refuses a kubelet the CA did not sign, in Go words, before writing anything to it', async () => {
    const kubelet = await tlsKubelet(selfSigned);
    const client = createKubeletClient({ certificateAuthority: ca.cert, timeoutMs: 2_000 });
    await expect(client.connect({ host: '127.0.0.1', port: kubelet.port })).rejects.toThrow(
      /^tls: failed to verify certificate: x509: certificate signed by unknown authority$/,
    );
    expect(kubelet.received).toEqual([]);
  });

  it('verifies the address dialed against the certificate the CA signed', async () => {
    const serving = await issueCertificate({ ca, commonName: 'system:node:a', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], usage: 'server' });
    const kubelet = await tlsKubelet(serving);
    const client = createKubeletClient({ certificateAuthority: ca.cert, timeoutMs: 2_000 });
    (await client.connect({ host: '127.0.0.1', port: kubelet.port })).destroy();
    (await client.connect({ host: 'localhost', port: kubelet.port })).destroy();
    const other = await issueCertificate({ ca, commonName: 'system:node:b', ipAddresses: ['10.9.9.9'], usage: 'server' });
    const impostor = await tlsKubelet(other);
    await expect(client.connect({ host: '127.0.0.1', port: impostor.port })).rejects.toThrow(
      'tls: failed to verify certificate: x509: certificate is valid for 10.9.9.9, not 127.0.0.1',
    );
  });

  it("words an unreachable kubelet and a stalled handshake as Go's net/http does", async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = createKubeletClient({ timeoutMs: 300 });
    await expect(client.connect({ host: '127.0.0.1', port: freePort })).rejects.toThrow(`dial tcp 127.0.0.1:${freePort}: connect: connection refused`);

    const silent = createTcpServer((s) => s.on('error', () => {}).resume());
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    await expect(client.connect({ host: '127.0.0.1', port: (silent.address() as AddressInfo).port })).rejects.toThrow('net/http: TLS handshake timeout');
  });

  it('opens TCP through the configured dialer (the egress seam)', async () => {
    const kubelet = await tlsKubelet(selfSigned);
    const dialed: string[] = [];
    const dialer: Dialer = (endpoint, timeoutMs) => {
      dialed.push(`${endpoint.host}:${endpoint.port}`);
      return directDialer({ host: '127.0.0.1', port: kubelet.port }, timeoutMs);
    };
    const client = createKubeletClient({ timeoutMs: 2_000, dialer });
    (await client.connect({ host: 'node-a.invalid', port: 10250 })).destroy();
    expect(dialed).toEqual(['node-a.invalid:10250']);
  });
});
