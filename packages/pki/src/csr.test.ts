import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCA } from './ca.ts';
import { describeCertificate } from './cert-info.ts';
import type { CertKey } from './cert-key.ts';
import { createCsr, parseCsr } from './csr.ts';
import { signCsr } from './sign-csr.ts';
import { verifyChain } from './verify-chain.ts';

describe('CSRs', () => {
  let ca: CertKey;
  beforeAll(async () => {
    ca = await createCA({});
  });

  it('round-trips a kubelet serving request: create, parse, sign for the requester\'s key', async () => {
    const request = await createCsr({
      commonName: 'system:node:node-a',
      organizations: ['system:nodes'],
      dnsNames: ['node-a'],
      ipAddresses: ['10.0.0.5'],
    });
    expect(request.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const parsed = parseCsr(request.csr);
    const requesterPublicKey = createPublicKey(createPrivateKey(request.key)).export({ type: 'spki', format: 'pem' });
    expect(parsed).toEqual({
      commonName: 'system:node:node-a',
      organizations: ['system:nodes'],
      dnsNames: ['node-a'],
      ipAddresses: ['10.0.0.5'],
      emailAddresses: [],
      uris: [],
      publicKeyPem: requesterPublicKey,
    });

    const cert = await signCsr({ ca, csr: request.csr, usage: 'server' });
    expect(describeCertificate(cert)).toMatchObject({
      commonName: 'system:node:node-a',
      organizations: ['system:nodes'],
      issuerCommonName: 'kubernetes',
      dnsNames: ['node-a'],
      ipAddresses: ['10.0.0.5'],
    });
    expect(new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'pem' })).toBe(requesterPublicKey);
    expect(verifyChain({ leaf: cert, roots: [ca.cert], usage: 'server' })).toEqual({ ok: true });
  });

  it('signs a kubelet client request that the requester can then use in a real handshake', async () => {
    const request = await createCsr({ commonName: 'system:node:node-b', organizations: ['system:nodes'] });
    const cert = await signCsr({ ca, csr: request.csr, usage: 'client', validityDays: 1 });
    expect(verifyChain({ leaf: cert, roots: [ca.cert], usage: 'client' })).toEqual({ ok: true });
    expect(verifyChain({ leaf: cert, roots: [ca.cert], usage: 'server' }).ok).toBe(false);

    const serverPair = await createCsr({ commonName: 'kubelet', dnsNames: ['localhost'] });
    const serverCert = await signCsr({ ca, csr: serverPair.csr, usage: 'server' });
    const server = tls.createServer(
      { cert: serverCert, key: serverPair.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true },
      (socket) => socket.end(String(socket.getPeerCertificate().subject.CN)),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const seen = await new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: ca.cert, cert, key: request.key });
        let data = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk) => (data += chunk));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(seen).toBe('system:node:node-b');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('creates an RSA request when asked, which still verifies and signs', async () => {
    const request = await createCsr({ commonName: 'system:node:node-c', organizations: ['system:nodes'], keyType: 'rsa' });
    const parsed = parseCsr(request.csr);
    expect(createPublicKey(parsed.publicKeyPem).asymmetricKeyType).toBe('rsa');
    expect(createPrivateKey(request.key).asymmetricKeyType).toBe('rsa');
    const cert = await signCsr({ ca, csr: request.csr, usage: 'client' });
    expect(verifyChain({ leaf: cert, roots: [ca.cert], usage: 'client' })).toEqual({ ok: true });
  });

  it('rejects garbage and other PEM types with a clear error', () => {
    expect(() => parseCsr('hello')).toThrow('invalid certificate request: PEM block type must be CERTIFICATE REQUEST');
    expect(() => parseCsr(ca.cert)).toThrow('PEM block type must be CERTIFICATE REQUEST');
    const junk = '-----BEGIN CERTIFICATE REQUEST-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE REQUEST-----\n';
    expect(() => parseCsr(junk)).toThrow(/^invalid certificate request: malformed PKCS#10 data/);
  });

  it('refuses to sign a request whose signature does not match its key', async () => {
    const request = await createCsr({ commonName: 'mallory' });
    const der = Buffer.from(request.csr.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5] ^= 0xff; // inside the ECDSA signature's S value
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await expect(signCsr({ ca, csr: tampered, usage: 'client' })).rejects.toThrow(
      'invalid certificate request: signature does not match its public key',
    );
  });
});
