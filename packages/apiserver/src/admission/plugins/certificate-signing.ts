// CertificateSigning (plugin/pkg/admission/certificates/signing): a `status` update that changes the issued
// certificate or the conditions needs `sign` on the CSR's (stored) signer.
import { semanticEqual } from '@hubspoke/api';
import { admissionForbidden } from '../attributes.ts';
import type { AdmissionPlugin, AdmissionVerdict } from '../plugin.ts';
import { isAuthorizedForSignerName } from './signer-authorization.ts';
import { isCsrResource, signerNameOf } from './csr-resource.ts';

interface CsrStatus {
  certificate?: string;
  conditions?: unknown[];
}

/** The CertificateSigning plugin (validating phase, UPDATE of certificatesigningrequests/status). */
export const certificateSigning: AdmissionPlugin = {
  name: 'CertificateSigning',
  operations: ['UPDATE'],
  async validate(attrs, ctx): Promise<AdmissionVerdict> {
    if (attrs.subresource !== 'status' || !isCsrResource(attrs) || !attrs.oldObject || !attrs.object) return undefined;
    const before = (attrs.oldObject.status ?? {}) as CsrStatus;
    const after = (attrs.object.status ?? {}) as CsrStatus;
    if ((before.certificate ?? '') === (after.certificate ?? '') && semanticEqual(before.conditions ?? [], after.conditions ?? [])) return undefined;
    const signerName = signerNameOf(attrs.oldObject);
    if (await isAuthorizedForSignerName(ctx.authorizer, { user: attrs.user, verb: 'sign', signerName })) return undefined;
    return admissionForbidden(attrs, `user not permitted to sign requests with signerName ${JSON.stringify(signerName)}`);
  },
};
