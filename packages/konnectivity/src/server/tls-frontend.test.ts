import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { issueCertificate } from '@hubspoke/pki';
import { startTestCluster, type TestCluster } from '../testing/cluster.ts';
import { nextChunk, startEchoServer, type EchoServer } from '../testing/fixture.ts';

let cluster: TestCluster | undefined;
let echo: EchoServer | undefined;
afterEach(async () => {
  await cluster?.close();
  await echo?.close();
  cluster = undefined;
  echo = undefined;
});

function connectTls(port: number, ca: string, client?: { cert: string; key: string }): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, ...(client ?? {}) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('TLS frontend (--server-port)', () => {
  it('relays a CONNECT from an apiserver presenting a client certificate from --server-ca-cert', async () => {
    cluster = await startTestCluster();
    const { pki } = cluster;
    await cluster.server.close();
    const server = await cluster.startServer({ serverPort: 0, serverBindAddress: '127.0.0.1', serverCert: pki.serverCert.cert, serverKey: pki.serverCert.key, serverCACert: pki.ca.cert });
    echo = await startEchoServer();
    await (await cluster.startAgent()).whenConnected();
    const apiserverCert = await issueCertificate({ ca: pki.ca, commonName: 'system:konnectivity-server', usage: 'client' });

    const socket = await connectTls(server.serverPort!, pki.ca.cert, apiserverCert);
    socket.write(`CONNECT 127.0.0.1:${echo.port} HTTP/1.1\r\nHost: 127.0.0.1:${echo.port}\r\n\r\n`);
    expect(await nextChunk(socket, 39)).toBe('HTTP/1.1 200 Connection established\r\n\r\n');
    socket.write('hello over tls');
    expect(await nextChunk(socket, 14)).toBe('hello over tls');
    socket.destroy();

    // Without a client certificate the TLS handshake itself is refused.
    const anonymous = await connectTls(server.serverPort!, pki.ca.cert).then(
      (s) => new Promise<string>((resolve) => {
        s.once('error', (e) => resolve(e.message));
        s.once('end', () => resolve('closed'));
        s.write(`CONNECT 127.0.0.1:${echo!.port} HTTP/1.1\r\n\r\n`);
      }),
      (e: Error) => e.message,
    );
    expect(anonymous).toMatch(/certificate required|ECONNRESET/);
  });
});
