import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { describeCertificate } from './cert-info.ts';
import { splitCertificateBundle } from './pem.ts';
import { createSelfSignedServingCert } from './self-signed-serving.ts';
import { verifyChain } from './verify-chain.ts';

describe('createSelfSignedServingCert', () => {
  it('names the leaf host@unix and its issuer host-ca@unix, as a kubelet does', async () => {
    const now = new Date('2025-03-04T05:06:07Z');
    const pair = await createSelfSignedServingCert({ host: 'node-a', ipAddresses: ['10.0.0.5'], now });
    const [leaf, ca] = splitCertificateBundle(pair.cert);
    expect(ca).toBe(pair.caCert);
    const unix = now.getTime() / 1000;
    expect(describeCertificate(leaf)).toMatchObject({
      commonName: `node-a@${unix}`,
      issuerCommonName: `node-a-ca@${unix}`,
      dnsNames: ['node-a'],
      ipAddresses: ['10.0.0.5'],
      isCA: false,
    });
    expect(describeCertificate(ca)).toMatchObject({ commonName: `node-a-ca@${unix}`, isCA: true });
    expect(describeCertificate(leaf).notBefore.getTime()).toBe(now.getTime() - 3600_000);
  });

  it('puts an IP host in the IP SANs', async () => {
    const pair = await createSelfSignedServingCert({ host: '192.168.1.7' });
    expect(describeCertificate(pair.cert)).toMatchObject({ dnsNames: [], ipAddresses: ['192.168.1.7'] });
  });

  it('verifies only for whoever trusts its own CA', async () => {
    const pair = await createSelfSignedServingCert({ host: 'node-a' });
    expect(verifyChain({ leaf: pair.cert, roots: [pair.caCert], usage: 'server' })).toEqual({ ok: true });
    const other = await createSelfSignedServingCert({ host: 'node-a', now: new Date(Date.now() - 5000) });
    expect(verifyChain({ leaf: pair.cert, roots: [other.caCert] })).toEqual({
      ok: false,
      reason: 'x509: certificate signed by unknown authority',
    });
  });

  it('serves the chain over TLS', async () => {
    const pair = await createSelfSignedServingCert({ host: 'node-a' });
    const server = tls.createServer({ cert: pair.cert, key: pair.key }, (socket) => socket.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const greeting = await new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, servername: 'node-a', ca: pair.caCert });
        socket.setEncoding('utf8');
        let data = '';
        socket.on('data', (chunk) => (data += chunk));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(greeting).toBe('hi');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
