// The CA side of a CSR: a certificate for a public key whose private half the signer never sees.
import type { CertKey } from './cert-key.ts';
import { readCsr, requestedAltNames } from './csr.ts';
import { signLeaf } from './sign-leaf.ts';
import type { CertUsage } from './usage.ts';
import type { ValidityOptions } from './validity.ts';

/** A CSR to sign and the usage to grant (client for kube-apiserver-client-kubelet, server for kubelet-serving). */
export interface SignCsrOptions extends ValidityOptions {
  ca: CertKey;
  csr: string;
  usage: CertUsage;
}

/**
 * Verifies the CSR's self-signature (proof the requester holds the key), then issues a PEM certificate
 * (default one year) for the CSR's public key with its subject and SANs as requested.
 */
export async function signCsr(options: SignCsrOptions): Promise<string> {
  const request = readCsr(options.csr);
  if (!(await request.verify())) throw new Error('invalid certificate request: signature does not match its public key');
  return signLeaf({
    ...options,
    publicKey: request.publicKey,
    subject: request.subjectName,
    altNames: requestedAltNames(request),
  });
}
