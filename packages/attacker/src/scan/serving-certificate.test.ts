import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createCA, createSelfSignedServingCert, issueCertificate, splitCertificateBundle } from '@hubspoke/pki';
import { describe, expect, it } from 'vitest';
import { describeServingChain, observeTls } from './serving-certificate.ts';

function der(pem: string): Buffer[] {
  return splitCertificateBundle(pem).map((c) => Buffer.from(new X509Certificate(c).raw));
}

describe('describeServingChain', () => {
  it('calls a kubelet’s generated certificate self-signed: its root came with it', async () => {
    const made = await createSelfSignedServingCert({ host: 'node-1', ipAddresses: ['127.0.0.1'] });
    const info = describeServingChain(der(made.cert));
    expect(info.subject).toMatch(/^CN=node-1@\d+$/);
    expect(info.issuer).toMatch(/^CN=node-1-ca@\d+$/);
    expect(info.selfSigned).toBe(true);
    expect(info.chain).toHaveLength(2);
    expect(info.dnsNames).toEqual(['node-1']);
    expect(info.ipAddresses).toEqual(['127.0.0.1']);
  });

  it('does not call a certificate from a cluster CA self-signed', async () => {
    const ca = await createCA({ commonName: 'kubernetes' });
    const leaf = await issueCertificate({ ca, commonName: 'system:node:node-1', organizations: ['system:nodes'], usage: 'server', ipAddresses: ['127.0.0.1'] });
    const info = describeServingChain(der(leaf.cert));
    expect(info.issuer).toBe('CN=kubernetes');
    expect(info.selfSigned).toBe(false);
  });
});

describe('observeTls', () => {
  it('reads the chain a TLS server presents without trusting it', async () => {
    const made = await createSelfSignedServingCert({ host: '127.0.0.1' });
    const server = createServer({ cert: made.cert, key: made.key }, (s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const seen = await observeTls({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, timeoutMs: 2000 });
      expect(seen).toMatchObject({ kind: 'ok', certificate: { selfSigned: true, subject: expect.stringMatching(/^CN=127\.0\.0\.1@/) } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('reports a port that is not listening', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    expect(await observeTls({ host: '127.0.0.1', port, timeoutMs: 2000 })).toEqual({ kind: 'failed', error: `connect ECONNREFUSED 127.0.0.1:${port}` });
  });
});
