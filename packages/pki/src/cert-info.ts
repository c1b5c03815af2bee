// Reading a certificate back: who it names, who issued it, where and when it is valid.
import { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { decodePemAll } from './pem.ts';

/** The facts of a certificate that Kubernetes components and tests look at. */
export interface CertificateInfo {
  commonName: string;
  organizations: string[];
  issuerCommonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  /** Upper-case hex, as Node's X509Certificate reports it. */
  serialNumber: string;
  /** Colon-separated SHA-256 of the DER. */
  fingerprint256: string;
}

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

/** Parses one certificate (PEM, the first of a bundle, or DER); throws on anything that is not one. */
export function toX509(certificate: string | Uint8Array | X509Certificate): X509Certificate {
  if (certificate instanceof X509Certificate) return certificate;
  if (typeof certificate === 'string') {
    const [der] = decodePemAll(certificate, 'CERTIFICATE');
    if (!der) throw new Error('no CERTIFICATE PEM block found');
    return new X509Certificate(der);
  }
  return new X509Certificate(certificate);
}

/** Subject, issuer, SANs, validity and identity of a certificate (PEM or DER). */
export function describeCertificate(certificate: string | Uint8Array | X509Certificate): CertificateInfo {
  const node = toX509(certificate);
  const parsed = new x509.X509Certificate(node.raw);
  const san = parsed.getExtension(SUBJECT_ALT_NAME_OID);
  const names = san ? new x509.SubjectAlternativeNameExtension(san.rawData).names.toJSON() : [];
  return {
    commonName: parsed.subjectName.getField('CN')[0] ?? '',
    organizations: parsed.subjectName.getField('O'),
    issuerCommonName: parsed.issuerName.getField('CN')[0] ?? '',
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
    isCA: node.ca,
    serialNumber: node.serialNumber,
    fingerprint256: node.fingerprint256,
  };
}
