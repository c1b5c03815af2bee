// The name a bootstrapping kubelet gives its CSR (bootstrap.go's digestedName): `node-csr-` and a SHA-512/256
// digest of the public key, subject and usages. A kubelet that restarts mid-bootstrap with the same key asks
// for the same name, gets AlreadyExists, and waits on its earlier request instead of filing another.
import { createHash } from 'node:crypto';
import type { CertificateTemplate } from './certificate-request.ts';
import type { KeyUsage } from './signers.ts';

/** `node-csr-<base64url(sha512/256(...))>` over the DER public key, CN, each O and each usage. */
export function digestedCsrName(publicKeyDer: Uint8Array, subject: CertificateTemplate, usages: readonly KeyUsage[]): string {
  const hash = createHash('sha512-256');
  // Each field is base64url-encoded and ended by '|', which base64url never contains, so no two different
  // inputs produce the same stream ('CN:foo,O:bar' vs 'CN:foob,O:ar').
  const write = (data: Uint8Array | string) => {
    hash.update(Buffer.from(data).toString('base64url'));
    hash.update('|');
  };
  write(publicKeyDer);
  write(subject.commonName);
  for (const organization of subject.organizations) write(organization);
  for (const usage of usages) write(usage);
  return `node-csr-${hash.digest('base64url')}`;
}
