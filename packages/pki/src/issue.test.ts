import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCA } from './ca.ts';
import { describeCertificate } from './cert-info.ts';
import type { CertKey } from './cert-key.ts';
import { issueCertificate } from './issue.ts';
import { EXT_KEY_USAGE_OID } from './usage.ts';

const execFileAsync = promisify(execFile);

async function opensslSubject(pem: string): Promise<string> {
  const child = execFileAsync('openssl', ['x509', '-noout', '-subject']);
  child.child.stdin!.end(pem);
  return (await child).stdout.trim();
}

describe('createCA and issueCertificate', () => {
  let ca: CertKey;
  beforeAll(async () => {
    ca = await createCA({});
  });

  it('makes a ten-year CA named kubernetes with critical CA:true and certificate-signing key usage', () => {
    const cert = new x509.X509Certificate(ca.cert);
    const basic = cert.getExtension(x509.BasicConstraintsExtension)!;
    const usage = cert.getExtension(x509.KeyUsagesExtension)!;
    expect(cert.subject).toBe('CN=kubernetes');
    expect(basic.ca && basic.critical).toBe(true);
    expect(usage.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature);
    const years = (cert.notAfter.getTime() - cert.notBefore.getTime()) / (365 * 24 * 3600 * 1000);
    expect(years).toBeGreaterThan(9.99);
    expect(new X509Certificate(ca.cert).publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('issues a leaf with one O attribute per group, SANs and the usage asked for', async () => {
    const leaf = await issueCertificate({
      ca,
      commonName: 'system:node:n1',
      organizations: ['system:nodes', 'a, b+c'],
      dnsNames: ['n1'],
      ipAddresses: ['10.0.0.5', '::1'],
      usage: 'server-client',
      validityDays: 30,
    });
    const info = describeCertificate(leaf.cert);
    expect(info).toMatchObject({
      commonName: 'system:node:n1',
      organizations: ['system:nodes', 'a, b+c'],
      issuerCommonName: 'kubernetes',
      dnsNames: ['n1'],
      ipAddresses: ['10.0.0.5', '::1'],
      isCA: false,
    });
    expect(Math.round((info.notAfter.getTime() - Date.now()) / 86_400_000)).toBe(30);
    expect(new X509Certificate(leaf.cert).keyUsage).toEqual([EXT_KEY_USAGE_OID.serverAuth, EXT_KEY_USAGE_OID.clientAuth]);
    const usage = new x509.X509Certificate(leaf.cert).getExtension(x509.KeyUsagesExtension)!;
    expect(usage.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
  });

  it('agrees with openssl on the subject, groups before the user as Go orders them', async () => {
    const leaf = await issueCertificate({ ca, commonName: 'kubernetes-admin', organizations: ['system:masters', 'dev'], usage: 'client' });
    const info = describeCertificate(leaf.cert);
    const expected = [...info.organizations.map((o) => `O = ${o}`), `CN = ${info.commonName}`].join(', ');
    expect(await opensslSubject(leaf.cert)).toBe(`subject=${expected}`);
    expect(expected).toBe('O = system:masters, O = dev, CN = kubernetes-admin');
  });

  it('refuses an IP SAN that is not an IP address', async () => {
    await expect(issueCertificate({ ca, commonName: 'x', ipAddresses: ['example.com'], usage: 'server' })).rejects.toThrow(
      'invalid IP address in SANs: "example.com"',
    );
  });

  it('refuses to sign with a certificate that is not a CA', async () => {
    const leaf = await issueCertificate({ ca, commonName: 'leaf', usage: 'client' });
    await expect(issueCertificate({ ca: leaf, commonName: 'x', usage: 'client' })).rejects.toThrow('certificate "CN=leaf" is not a CA');
  });
});
