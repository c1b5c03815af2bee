// Recognising CertificateSigningRequests in admission attributes, for the certificate plugins.
import type { KubeObject } from '@hubspoke/api';
import type { Attributes } from '../attributes.ts';

/** True for `certificatesigningrequests.certificates.k8s.io` (any subresource). */
export function isCsrResource(attrs: Attributes): boolean {
  return attrs.resource.group === 'certificates.k8s.io' && attrs.resource.resource === 'certificatesigningrequests';
}

/** `spec.signerName` of a CSR, `''` when absent. */
export function signerNameOf(csr: KubeObject): string {
  return (csr.spec as { signerName?: string } | undefined)?.signerName ?? '';
}
