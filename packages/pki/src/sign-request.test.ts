import { X509Certificate as NodeX509, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCA } from './ca.ts';
import type { CertKey } from './cert-key.ts';
import { createCsr } from './csr.ts';
import { encodePem } from './pem.ts';
import { signCertificateRequest, type SignRequestResult } from './sign-request.ts';
import { verifyChain } from './verify-chain.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const YEAR = 8760 * HOUR;
const CLIENT_USAGES = ['digital signature', 'key encipherment', 'client auth'];

function issued(result: SignRequestResult): x509.X509Certificate {
  if (result.kind !== 'issued') throw new Error(`expected a certificate, got: ${result.reason}`);
  return new x509.X509Certificate(result.certificate);
}

// A CA with a subject key identifier and an RSA key, unlike createCA's (EC, no SKI).
async function rsaCaWithKeyId(): Promise<CertKey> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=rsa-ca',
    notBefore: new Date(Date.now() - HOUR),
    notAfter: new Date(Date.now() + 10 * YEAR),
    keys,
    signingAlgorithm: algorithm,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem'), key: encodePem('PRIVATE KEY', new Uint8Array(pkcs8)) };
}

// An RSA request with every kind of SAN Go copies (DNS, email, IP, URI), made directly with @peculiar/x509.
async function rsaRequestWithAllSans(): Promise<string> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'O=team, CN=web',
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: 'url', value: 'spiffe://cluster.local/web' },
        { type: 'ip', value: '10.0.0.7' },
        { type: 'email', value: 'web@example.com' },
        { type: 'dns', value: 'web.example.com' },
      ]),
    ],
  });
  return request.toString('pem');
}

describe('signCertificateRequest', () => {
  let ca: CertKey;
  beforeAll(async () => {
    ca = await createCA({});
  });

  it('issues a kubelet client certificate with the requested identity, usages and a backdated year', async () => {
    const request = await createCsr({ commonName: 'system:node:node-a', organizations: ['system:nodes'] });
    const now = new Date('2030-01-01T00:00:00Z');
    const cert = issued(await signCertificateRequest({ ca, csr: request.csr, usages: CLIENT_USAGES, ttlMs: YEAR, now }));
    expect(cert.subjectName.getField('CN')).toEqual(['system:node:node-a']);
    expect(cert.subjectName.getField('O')).toEqual(['system:nodes']);
    expect(cert.issuer).toBe('CN=kubernetes');
    expect(cert.notBefore.getTime()).toBe(now.getTime() - 5 * MINUTE);
    expect(cert.notAfter.getTime()).toBe(now.getTime() + YEAR - 5 * MINUTE);
    const keyUsage = cert.getExtension(x509.KeyUsagesExtension);
    expect(keyUsage?.critical).toBe(true);
    expect(keyUsage?.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(cert.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(cert.getExtension(x509.SubjectAlternativeNameExtension)).toBeNull();
    // The requester's key is certified, and the chain verifies for client auth (only) at a time inside the window.
    const node = new NodeX509(cert.toString('pem'));
    expect(node.publicKey.export({ type: 'spki', format: 'pem' })).toBe(
      createPublicKey(createPrivateKey(request.key)).export({ type: 'spki', format: 'pem' }),
    );
    expect(verifyChain({ leaf: cert.toString('pem'), roots: [ca.cert], usage: 'client', now })).toEqual({ ok: true });
    expect(verifyChain({ leaf: cert.toString('pem'), roots: [ca.cert], usage: 'server', now }).ok).toBe(false);
  });

  it('keeps the full end time of a short-lived certificate', async () => {
    const request = await createCsr({ commonName: 'system:node:node-a', organizations: ['system:nodes'] });
    const now = new Date('2030-01-01T00:00:00Z');
    const cert = issued(await signCertificateRequest({ ca, csr: request.csr, usages: CLIENT_USAGES, ttlMs: HOUR, now }));
    expect(cert.notAfter.getTime()).toBe(now.getTime() + HOUR);
  });

  it('never outlives the CA, and refuses once the CA has expired', async () => {
    const shortCa = await createCA({ notBefore: new Date('2029-01-01T00:00:00Z'), notAfter: new Date('2030-01-03T00:00:00Z') });
    const request = await createCsr({ commonName: 'system:node:node-a', organizations: ['system:nodes'] });
    const cert = issued(
      await signCertificateRequest({ ca: shortCa, csr: request.csr, usages: CLIENT_USAGES, ttlMs: YEAR, now: new Date('2030-01-01T00:00:00Z') }),
    );
    expect(cert.notAfter.toISOString()).toBe('2030-01-03T00:00:00.000Z');
    await expect(
      signCertificateRequest({ ca: shortCa, csr: request.csr, usages: CLIENT_USAGES, ttlMs: YEAR, now: new Date('2030-02-01T00:00:00Z') }),
    ).rejects.toThrow('the signer has expired: NotAfter=2030-01-03 00:00:00 +0000 UTC');
  });

  it('signs an RSA request with an RSA CA, copying every SAN and naming the CA\'s key', async () => {
    const rsaCa = await rsaCaWithKeyId();
    const csr = await rsaRequestWithAllSans();
    const cert = issued(await signCertificateRequest({ ca: rsaCa, csr, usages: ['server auth', 'client auth', 'digital signature'], ttlMs: YEAR }));
    expect(cert.subject).toBe('O=team, CN=web');
    expect(cert.publicKey.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
    expect(cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([
      { type: 'dns', value: 'web.example.com' },
      { type: 'email', value: 'web@example.com' },
      { type: 'ip', value: '10.0.0.7' },
      { type: 'url', value: 'spiffe://cluster.local/web' },
    ]);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    const caKeyId = new x509.X509Certificate(rsaCa.cert).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caKeyId);
    expect(await cert.verify({ publicKey: new x509.X509Certificate(rsaCa.cert).publicKey })).toBe(true);
  });

  it('rejects a request whose signature its key did not make', async () => {
    const request = await createCsr({ commonName: 'mallory' });
    const der = Buffer.from(request.csr.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5] ^= 0xff; // inside the ECDSA signature's S value
    const result = await signCertificateRequest({ ca, csr: encodePem('CERTIFICATE REQUEST', der), usages: CLIENT_USAGES, ttlMs: YEAR });
    expect(result).toEqual({ kind: 'rejected', reason: 'unable to verify certificate request signature: x509: ECDSA verification failure' });
  });

  it('rejects garbage and unknown usages without signing', async () => {
    expect(await signCertificateRequest({ ca, csr: 'hello', usages: CLIENT_USAGES, ttlMs: YEAR })).toEqual({
      kind: 'rejected',
      reason: 'unable to parse certificate request: invalid certificate request: PEM block type must be CERTIFICATE REQUEST',
    });
    const request = await createCsr({ commonName: 'someone' });
    expect(await signCertificateRequest({ ca, csr: request.csr, usages: ['client auth', 'flying'], ttlMs: YEAR })).toEqual({
      kind: 'rejected',
      reason: 'unrecognized usage values: ["flying"]',
    });
  });
});
