import { X509Certificate, type webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCA } from './ca.ts';
import type { CertKey } from './cert-key.ts';
import { issueCertificate } from './issue.ts';
import { encodePem } from './pem.ts';
import { verifyChain } from './verify-chain.ts';
import { EC_P256, importSigningKey, subtle } from './webcrypto.ts';

const DAY = 24 * 60 * 60 * 1000;

// The package only makes self-signed CAs; an intermediate (or a forged issuer) is built here by hand.
async function signedBy(parent: CertKey, commonName: string, isCA: boolean): Promise<CertKey> {
  const signer = await importSigningKey(parent.key);
  const keys = (await subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${commonName}`,
    issuer: new x509.X509Certificate(parent.cert).subjectName,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + DAY),
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: [new x509.BasicConstraintsExtension(isCA, undefined, true)],
  });
  return { cert: cert.toString('pem'), key: encodePem('PRIVATE KEY', new Uint8Array(await subtle.exportKey('pkcs8', keys.privateKey))) };
}

describe('verifyChain', () => {
  let ca: CertKey;
  let client: CertKey;
  beforeAll(async () => {
    ca = await createCA({ commonName: 'kubernetes' });
    client = await issueCertificate({ ca, commonName: 'jane', organizations: ['dev'], usage: 'client' });
  });

  it('accepts a leaf signed by a trusted CA', () => {
    expect(verifyChain({ leaf: client.cert, roots: [ca.cert] })).toEqual({ ok: true });
  });

  it('accepts the DER form of the leaf and a CA bundle with unrelated certificates', async () => {
    const other = await createCA({ commonName: 'other' });
    const der = new X509Certificate(client.cert).raw;
    expect(verifyChain({ leaf: der, roots: [other.cert + ca.cert] })).toEqual({ ok: true });
  });

  it('rejects a leaf signed by another CA with the same name, as Go words it', async () => {
    const impostor = await createCA({ commonName: 'kubernetes' });
    expect(verifyChain({ leaf: client.cert, roots: [impostor.cert] })).toEqual({
      ok: false,
      reason:
        'x509: certificate signed by unknown authority (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "kubernetes")',
    });
  });

  it('rejects a leaf whose issuer is not among the roots at all', async () => {
    const unrelated = await createCA({ commonName: 'someone-else' });
    expect(verifyChain({ leaf: client.cert, roots: [unrelated.cert] })).toEqual({
      ok: false,
      reason: 'x509: certificate signed by unknown authority',
    });
  });

  it('reports an expired leaf with both times', async () => {
    const expired = await issueCertificate({
      ca,
      commonName: 'old',
      usage: 'client',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    const verdict = verifyChain({ leaf: expired.cert, roots: [ca.cert], now: new Date('2024-05-06T07:08:09.123Z') });
    expect(verdict).toEqual({
      ok: false,
      reason:
        'x509: certificate has expired or is not yet valid: current time 2024-05-06T07:08:09Z is after 2021-01-01T00:00:00Z',
    });
  });

  it('reports a leaf that is not valid yet', async () => {
    const future = await issueCertificate({ ca, commonName: 'soon', usage: 'client', notBefore: new Date(Date.now() + DAY) });
    const verdict = verifyChain({ leaf: future.cert, roots: [ca.cert] });
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(/^x509: certificate has expired or is not yet valid: current time \S+Z is before \S+Z$/);
  });

  it('rejects a server certificate used for client authentication, and the reverse', async () => {
    const server = await issueCertificate({ ca, commonName: 'kube-apiserver', dnsNames: ['kubernetes'], usage: 'server' });
    const incompatible = { ok: false, reason: 'x509: certificate specifies an incompatible key usage' };
    expect(verifyChain({ leaf: server.cert, roots: [ca.cert], usage: 'client' })).toEqual(incompatible);
    expect(verifyChain({ leaf: client.cert, roots: [ca.cert], usage: 'server' })).toEqual(incompatible);
    expect(verifyChain({ leaf: client.cert, roots: [ca.cert], usage: 'client' })).toEqual({ ok: true });
    expect(verifyChain({ leaf: server.cert, roots: [ca.cert], usage: 'server' })).toEqual({ ok: true });
  });

  it('follows intermediates the peer sent, and fails without them', async () => {
    const intermediate = await signedBy(ca, 'kubernetes-intermediate', true);
    const leaf = await issueCertificate({ ca: intermediate, commonName: 'deep', usage: 'client' });
    expect(verifyChain({ leaf: leaf.cert, intermediates: [intermediate.cert], roots: [ca.cert], usage: 'client' })).toEqual({ ok: true });
    expect(verifyChain({ leaf: leaf.cert, roots: [ca.cert] })).toEqual({ ok: false, reason: 'x509: certificate signed by unknown authority' });
  });

  it('refuses an issuer that is not a CA', async () => {
    const notCA = await signedBy(ca, 'plain-leaf', false);
    const forged = await signedBy(notCA, 'forged', false);
    expect(verifyChain({ leaf: forged.cert, intermediates: [notCA.cert], roots: [ca.cert] })).toEqual({
      ok: false,
      reason:
        'x509: certificate signed by unknown authority (possibly because of "x509: invalid signature: parent certificate cannot sign this kind of certificate" while trying to verify candidate authority certificate "plain-leaf")',
    });
  });

  it('treats garbage as a malformed certificate', () => {
    expect(verifyChain({ leaf: 'not a certificate', roots: [ca.cert] })).toEqual({ ok: false, reason: 'x509: malformed certificate' });
  });

  it('reports an expired root as the hint of an unknown authority', async () => {
    const oldCa = await createCA({ commonName: 'old-ca', notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    const leaf = await issueCertificate({ ca: oldCa, commonName: 'x', usage: 'client', notBefore: new Date('2020-06-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z') });
    const verdict = verifyChain({ leaf: leaf.cert, roots: [oldCa.cert], now: new Date('2024-01-01T00:00:00Z') });
    expect(verdict).toEqual({
      ok: false,
      reason:
        'x509: certificate signed by unknown authority (possibly because of "x509: certificate has expired or is not yet valid: current time 2024-01-01T00:00:00Z is after 2021-01-01T00:00:00Z" while trying to verify candidate authority certificate "old-ca")',
    });
  });
});
