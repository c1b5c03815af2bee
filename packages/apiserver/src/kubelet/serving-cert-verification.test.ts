import { beforeAll, describe, expect, it } from 'vitest';
import { createCA, createSelfSignedServingCert, issueCertificate, type CertKey } from '@hubspoke/pki';
import { hostnameError, nodeNameError, verifyServingCertificate } from './serving-cert-verification.ts';

const der = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
const leafDer = (pem: string): Buffer => der(pem.split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----');

let ca: CertKey;
let ipLeaf: CertKey;
let dnsLeaf: CertKey;
let noSans: CertKey;
let expired: CertKey;
let selfSigned: CertKey;

beforeAll(async () => {
  ca = await createCA();
  [ipLeaf, dnsLeaf, noSans, expired, selfSigned] = await Promise.all([
    issueCertificate({ ca, commonName: 'node-a', ipAddresses: ['10.0.0.5', '::1'], usage: 'server' }),
    issueCertificate({ ca, commonName: 'node-a', dnsNames: ['node-a.example', '*.nodes.example'], usage: 'server' }),
    issueCertificate({ ca, commonName: 'node-a', usage: 'server' }),
    issueCertificate({ ca, commonName: 'node-a', ipAddresses: ['10.0.0.9'], usage: 'server', notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') }),
    createSelfSignedServingCert({ host: '10.0.0.5' }),
  ]);
});

describe('hostnameError (Go VerifyHostname wording)', () => {
  it('accepts a listed IP or DNS name, a one-label wildcard, any case and a trailing dot', () => {
    expect(hostnameError(leafDer(ipLeaf.cert), '10.0.0.5')).toBeUndefined();
    expect(hostnameError(leafDer(ipLeaf.cert), '0:0:0:0:0:0:0:1')).toBeUndefined();
    expect(hostnameError(leafDer(dnsLeaf.cert), 'Node-A.example.')).toBeUndefined();
    expect(hostnameError(leafDer(dnsLeaf.cert), 'w1.nodes.example')).toBeUndefined();
  });

  it('lists what the certificate is valid for', () => {
    expect(hostnameError(leafDer(ipLeaf.cert), '10.0.0.6')).toBe('x509: certificate is valid for 10.0.0.5, ::1, not 10.0.0.6');
    expect(hostnameError(leafDer(dnsLeaf.cert), 'a.b.nodes.example')).toBe('x509: certificate is valid for node-a.example, *.nodes.example, not a.b.nodes.example');
  });

  it('explains certificates without the right kind of names', () => {
    expect(hostnameError(leafDer(dnsLeaf.cert), '10.0.0.5')).toBe("x509: cannot validate certificate for 10.0.0.5 because it doesn't contain any IP SANs");
    expect(hostnameError(leafDer(noSans.cert), 'node-a')).toBe('x509: certificate relies on legacy Common Name field, use SANs instead');
    expect(hostnameError(leafDer(noSans.cert), 'node-b')).toBe('x509: certificate is not valid for any names, but wanted to match node-b');
  });
});

describe('verifyServingCertificate', () => {
  const now = new Date();

  it('accepts a leaf the CA signed for the host dialed', () => {
    expect(verifyServingCertificate({ chain: [leafDer(ipLeaf.cert)], host: '10.0.0.5', roots: [ca.cert], now })).toEqual({ ok: true });
  });

  it('refuses a kubelet self-signed certificate as signed by an unknown authority', () => {
    const chain = selfSigned.cert.split(/(?<=-----END CERTIFICATE-----)\s*/).filter(Boolean).map(leafDer);
    expect(verifyServingCertificate({ chain, host: '10.0.0.5', roots: [ca.cert], now })).toEqual({ ok: false, check: 'x509', reason: 'x509: certificate signed by unknown authority' });
  });

  it('checks the name before the chain, and the validity period before the name, as Go does', () => {
    const wrongNameUnknownCa = selfSigned.cert.split(/(?<=-----END CERTIFICATE-----)\s*/).filter(Boolean).map(leafDer);
    expect(verifyServingCertificate({ chain: wrongNameUnknownCa, host: '10.0.0.6', roots: [ca.cert], now })).toEqual({
      ok: false,
      check: 'x509',
      reason: 'x509: certificate is valid for 10.0.0.5, not 10.0.0.6',
    });
    const verdict = verifyServingCertificate({ chain: [leafDer(expired.cert)], host: '10.0.0.6', roots: [ca.cert], now: new Date('2022-06-01T00:00:00Z') });
    expect(verdict).toEqual({ ok: false, check: 'x509', reason: 'x509: certificate has expired or is not yet valid: current time 2022-06-01T00:00:00Z is after 2021-01-01T00:00:00Z' });
  });

  it("words Node's own verdict in Go's terms when our checks find nothing", () => {
    const chain = [leafDer(ipLeaf.cert)];
    expect(verifyServingCertificate({ chain, host: '10.0.0.5', roots: [ca.cert], now, nodeErrorCode: 'SELF_SIGNED_CERT_IN_CHAIN' })).toEqual({
      ok: false,
      check: 'x509',
      reason: 'x509: certificate signed by unknown authority',
    });
    expect(verifyServingCertificate({ chain, host: '10.0.0.5', roots: [ca.cert], now, nodeErrorCode: 'INVALID_PURPOSE' })).toEqual({
      ok: false,
      check: 'x509',
      reason: 'x509: certificate specifies an incompatible key usage',
    });
  });
});

describe('the node-name check of KubeletCertCNValidation (KEP-4872)', () => {
  const now = new Date();
  let node1: CertKey;
  let node2ForNode1Address: CertKey;
  beforeAll(async () => {
    [node1, node2ForNode1Address] = await Promise.all([
      issueCertificate({ ca, commonName: 'system:node:node-1', organizations: ['system:nodes'], ipAddresses: ['10.0.0.1'], usage: 'server' }),
      // What a careless CSR approver signs for node-2: its own name, and node-1's address among its IPs.
      issueCertificate({ ca, commonName: 'system:node:node-2', organizations: ['system:nodes'], ipAddresses: ['10.0.0.2', '10.0.0.1'], usage: 'server' }),
    ]);
  });

  it('accepts the certificate of the node dialled', () => {
    expect(verifyServingCertificate({ chain: [leafDer(node1.cert)], host: '10.0.0.1', roots: [ca.cert], nodeName: 'node-1', now })).toEqual({ ok: true });
  });

  it('refuses another node’s CA-signed certificate that the address check alone accepts', () => {
    const chain = [leafDer(node2ForNode1Address.cert)];
    expect(verifyServingCertificate({ chain, host: '10.0.0.1', roots: [ca.cert], now })).toEqual({ ok: true });
    expect(verifyServingCertificate({ chain, host: '10.0.0.1', roots: [ca.cert], nodeName: 'node-1', now })).toEqual({
      ok: false,
      check: 'node-name',
      reason: 'kubelet serving certificate CN "system:node:node-2" does not match node "node-1" (want "system:node:node-1")',
    });
  });

  it('runs only after the CA and address checks pass, so their Go wording wins', () => {
    const chain = selfSigned.cert.split(/(?<=-----END CERTIFICATE-----)\s*/).filter(Boolean).map(leafDer);
    expect(verifyServingCertificate({ chain, host: '10.0.0.5', roots: [ca.cert], nodeName: 'node-1', now })).toMatchObject({ check: 'x509' });
  });

  it('refuses a certificate without a node CN, and an unnamed node', () => {
    expect(nodeNameError(leafDer(ipLeaf.cert), 'node-a')).toBe('kubelet serving certificate CN "node-a" does not match node "node-a" (want "system:node:node-a")');
    expect(nodeNameError(leafDer(node1.cert), '')).toMatch(/does not match node ""/);
  });
});
