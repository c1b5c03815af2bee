import { describe, expect, it } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { createCA, describeCertificate, parseCsr, signCsr } from '@hubspoke/pki';
import { subjectString } from '@hubspoke/pki';
import { makeCertificateRequest } from './certificate-request.ts';
import { generateEcPrivateKey, parsePrivateKey } from './private-key.ts';

describe('makeCertificateRequest', () => {
  it('builds a PKCS#10 request for the key with O before CN and no SAN extension for a client request', async () => {
    const keyPem = await generateEcPrivateKey();
    expect(keyPem).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    const csr = await makeCertificateRequest(parsePrivateKey(keyPem), { commonName: 'system:node:node-a', organizations: ['system:nodes'] });
    const info = parseCsr(csr);
    expect(info).toMatchObject({ commonName: 'system:node:node-a', organizations: ['system:nodes'], dnsNames: [], ipAddresses: [] });
    const ours = createPublicKey(keyPem).export({ type: 'spki', format: 'pem' });
    expect(info.publicKeyPem.replace(/\s/g, '')).toBe(String(ours).replace(/\s/g, ''));
  });

  it('carries the serving SANs and a self-signature a CA accepts', async () => {
    const ca = await createCA({ commonName: 'test-ca' });
    const csr = await makeCertificateRequest(parsePrivateKey(await generateEcPrivateKey()), {
      commonName: 'system:node:node-a',
      organizations: ['system:nodes'],
      dnsNames: ['node-a'],
      ipAddresses: ['127.0.0.1', '10.0.0.7'],
    });
    // signCsr verifies the request's signature before issuing.
    const cert = describeCertificate(await signCsr({ ca, csr, usage: 'server' }));
    expect(cert).toMatchObject({ commonName: 'system:node:node-a', organizations: ['system:nodes'], dnsNames: ['node-a'] });
    expect(cert.ipAddresses).toEqual(['127.0.0.1', '10.0.0.7']);
  });

  it('escapes subject values that contain DN syntax', () => {
    expect(subjectString({ commonName: 'a,b', organizations: ['x=y'] })).toBe('O=x\\=y, CN=a\\,b');
  });
});
