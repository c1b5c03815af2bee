// CertificateApproval (plugin/pkg/admission/certificates/approval): approving or denying a CSR through its
// `approval` subresource needs `approve` on the CSR's signer; the stored signerName is the one checked, so an
// approval cannot dodge the check by changing it.
import { admissionForbidden } from '../attributes.ts';
import type { AdmissionPlugin, AdmissionVerdict } from '../plugin.ts';
import { isAuthorizedForSignerName } from './signer-authorization.ts';
import { isCsrResource, signerNameOf } from './csr-resource.ts';

/** The CertificateApproval plugin (validating phase, UPDATE of certificatesigningrequests/approval). */
export const certificateApproval: AdmissionPlugin = {
  name: 'CertificateApproval',
  operations: ['UPDATE'],
  async validate(attrs, ctx): Promise<AdmissionVerdict> {
    if (attrs.subresource !== 'approval' || !isCsrResource(attrs) || !attrs.oldObject) return undefined;
    const signerName = signerNameOf(attrs.oldObject);
    if (await isAuthorizedForSignerName(ctx.authorizer, { user: attrs.user, verb: 'approve', signerName })) return undefined;
    return admissionForbidden(attrs, `user not permitted to approve requests with signerName ${JSON.stringify(signerName)}`);
  },
};
