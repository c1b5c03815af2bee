import { describe, it, expect, beforeAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { x509Authenticator } from './x509.ts';
import type { AuthnResult } from './types.ts';

type Pem = { cert: string; key: string };
const DAY = 86_400_000;

async function makeCA(cn: string, signer?: Pem, dates: { notBeforeDate?: Date; notAfterDate?: Date } = {}): Promise<Pem> {
  const made = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ...dates,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
    ],
    ...(signer ? { ca: { key: signer.key, cert: signer.cert } } : {}),
  });
  return { cert: made.cert, key: made.private };
}

async function makeClient(
  signer: Pem,
  subject: { name: string; value: string }[],
  opts: { notBeforeDate?: Date; notAfterDate?: Date; clientAuth?: boolean; isCA?: boolean } = {},
): Promise<Pem> {
  const made = await generate(subject, {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: opts.notBeforeDate,
    notAfterDate: opts.notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: opts.isCA ?? false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', clientAuth: opts.clientAuth ?? true, serverAuth: !(opts.clientAuth ?? true) },
    ],
    ca: { key: signer.key, cert: signer.cert },
  });
  return { cert: made.cert, key: made.private };
}

const der = (...pems: Pem[]) => pems.map((p) => new X509Certificate(p.cert).raw);
const reasonOf = (r: AuthnResult) => (r.kind === 'rejected' ? r.reason : `not rejected: ${r.kind}`);

describe('x509Authenticator', () => {
  let ca: Pem;
  let otherCA: Pem;
  let alice: Pem;

  beforeAll(async () => {
    ca = await makeCA('kubernetes-ca');
    otherCA = await makeCA('kubernetes-ca');
    alice = await makeClient(ca, [
      { name: 'commonName', value: 'alice' },
      { name: 'organizationName', value: 'system:masters' },
      { name: 'organizationName', value: 'dev' },
    ]);
  });

  it('has no opinion when the client sent no certificate', () => {
    const authn = x509Authenticator({ clientCAs: [ca.cert] });
    expect(authn.authenticate({ headers: {} })).toEqual({ kind: 'no-opinion' });
    expect(authn.authenticate({ headers: {}, peerCertificates: [] })).toEqual({ kind: 'no-opinion' });
  });

  it('authenticates CN as the user and every O as a group', () => {
    const authn = x509Authenticator({ clientCAs: [ca.cert] });
    expect(authn.authenticate({ headers: {}, peerCertificates: der(alice) })).toEqual({
      kind: 'authenticated',
      user: { name: 'alice', groups: ['system:masters', 'dev'] },
    });
  });

  it('accepts any CA of a bundle', () => {
    const authn = x509Authenticator({ clientCAs: [`${otherCA.cert}\n${ca.cert}`] });
    expect(authn.authenticate({ headers: {}, peerCertificates: der(alice) }).kind).toBe('authenticated');
  });

  it('rejects a certificate from another CA with the same name, in Go words', () => {
    const authn = x509Authenticator({ clientCAs: [otherCA.cert] });
    const reason = reasonOf(authn.authenticate({ headers: {}, peerCertificates: der(alice) }));
    expect(reason).toMatch(/^verifying certificate SN=\d+ failed: x509: certificate signed by unknown authority$/);
  });

  it('rejects an expired certificate, naming the time it expired', async () => {
    const notAfter = new Date(Date.now() - DAY);
    const expired = await makeClient(ca, [{ name: 'commonName', value: 'old' }], {
      notBeforeDate: new Date(Date.now() - 10 * DAY),
      notAfterDate: notAfter,
    });
    const now = new Date();
    const authn = x509Authenticator({ clientCAs: [ca.cert], now: () => now });
    const reason = reasonOf(authn.authenticate({ headers: {}, peerCertificates: der(expired) }));
    const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(reason).toContain(
      `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is after ${rfc3339(notAfter)}`,
    );
  });

  it('rejects a certificate that is not valid yet', () => {
    const authn = x509Authenticator({ clientCAs: [ca.cert], now: () => new Date(Date.now() - 2 * DAY) });
    expect(reasonOf(authn.authenticate({ headers: {}, peerCertificates: der(alice) }))).toMatch(/current time .* is before /);
  });

  it('rejects a certificate whose usages exclude client auth', async () => {
    const server = await makeClient(ca, [{ name: 'commonName', value: 'server' }], { clientAuth: false });
    const authn = x509Authenticator({ clientCAs: [ca.cert] });
    expect(reasonOf(authn.authenticate({ headers: {}, peerCertificates: der(server) }))).toContain(
      'x509: certificate specifies an incompatible key usage',
    );
  });

  it('follows intermediates sent by the client up to the CA', async () => {
    const intermediate = await makeCA('intermediate', ca);
    const leaf = await makeClient(intermediate, [{ name: 'commonName', value: 'bob' }]);
    const authn = x509Authenticator({ clientCAs: [ca.cert] });
    expect(authn.authenticate({ headers: {}, peerCertificates: der(leaf, intermediate) })).toEqual({
      kind: 'authenticated',
      user: { name: 'bob', groups: [] },
    });
    // Without the intermediate the chain does not reach the CA.
    expect(reasonOf(authn.authenticate({ headers: {}, peerCertificates: der(leaf) }))).toContain('unknown authority');
  });

  it('refuses an intermediate that is not a CA', async () => {
    const notCA = await makeClient(ca, [{ name: 'commonName', value: 'not-a-ca' }], { isCA: false });
    const leaf = await makeClient(notCA, [{ name: 'commonName', value: 'mallory' }]);
    const authn = x509Authenticator({ clientCAs: [ca.cert] });
    const reason = reasonOf(authn.authenticate({ headers: {}, peerCertificates: der(leaf, notCA) }));
    expect(reason).toMatch(/x509: certificate (is not authorized to sign other certificates|signed by unknown authority)/);
  });

  it('rejects bytes that are not a certificate', () => {
    const authn = x509Authenticator({ clientCAs: [ca.cert] });
    expect(authn.authenticate({ headers: {}, peerCertificates: [Buffer.from('nope')] }).kind).toBe('rejected');
  });
});
