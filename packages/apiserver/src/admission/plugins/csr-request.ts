// The subject of a CertificateSigningRequest's `spec.request` (`certificates.ParseCSR`): base64 of PEM whose
// first block must be a PKCS#10 `CERTIFICATE REQUEST`, read with @peculiar/x509 through @hubspoke/pki.
import type { KubeObject } from '@hubspoke/api';
import { decodePemBlocks, parseCsr } from '@hubspoke/pki';

/** What admission plugins look at in a request, or why it could not be read (Go's error text). */
export type CsrSubject =
  | { kind: 'parsed'; commonName: string; organizations: string[] }
  | { kind: 'invalid'; reason: string };

/** The CN and O of the CSR's request. */
export function csrSubject(csr: KubeObject): CsrSubject {
  const request = (csr.spec as { request?: unknown } | undefined)?.request;
  const pem = Buffer.from(typeof request === 'string' ? request : '', 'base64').toString('latin1');
  // pem.Decode takes the first block, whatever its type.
  const first = decodePemBlocks(pem)[0];
  if (first?.label !== 'CERTIFICATE REQUEST') return { kind: 'invalid', reason: 'PEM block type must be CERTIFICATE REQUEST' };
  try {
    const info = parseCsr(pem);
    return { kind: 'parsed', commonName: info.commonName, organizations: info.organizations };
  } catch {
    return { kind: 'invalid', reason: 'x509: malformed certificate request' };
  }
}
