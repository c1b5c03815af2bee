// CertificateSubjectRestriction (plugin/pkg/admission/certificates/subjectrestriction): nobody may ask the
// kube-apiserver-client signer for a certificate in the system:masters group, which would be cluster-admin.
import { SIGNERS } from '@hubspoke/api';
import { admissionForbidden } from '../attributes.ts';
import type { AdmissionPlugin, AdmissionVerdict } from '../plugin.ts';
import { csrSubject } from './csr-request.ts';
import { isCsrResource, signerNameOf } from './csr-resource.ts';

/** The signer of client certificates the apiserver trusts. */
export const KUBE_APISERVER_CLIENT_SIGNER = SIGNERS.apiserverClient;

/** The CertificateSubjectRestriction plugin (validating phase, CREATE of certificatesigningrequests). */
export const certificateSubjectRestriction: AdmissionPlugin = {
  name: 'CertificateSubjectRestriction',
  operations: ['CREATE'],
  validate(attrs): AdmissionVerdict {
    if (attrs.subresource !== '' || !isCsrResource(attrs) || !attrs.object) return undefined;
    if (signerNameOf(attrs.object) !== KUBE_APISERVER_CLIENT_SIGNER) return undefined;
    const subject = csrSubject(attrs.object);
    if (subject.kind === 'invalid') return admissionForbidden(attrs, `failed to parse CSR: ${subject.reason}`);
    if (subject.organizations.includes('system:masters')) {
      return admissionForbidden(attrs, `use of ${KUBE_APISERVER_CLIENT_SIGNER} signer with system:masters group is not allowed`);
    }
    return undefined;
  },
};
