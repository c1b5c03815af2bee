// Builds the admission chain the flags select, from the plugin implementations.
import { admissionChain, type AdmissionChain } from './chain.ts';
import type { AdmissionContext, AdmissionPlugin } from './plugin.ts';
import { enabledAdmissionPlugins, type AdmissionPluginName, type AdmissionPluginSelection } from './plugins.ts';
import { certificateApproval } from './plugins/certificate-approval.ts';
import { certificateSigning } from './plugins/certificate-signing.ts';
import { certificateSubjectRestriction } from './plugins/certificate-subject-restriction.ts';
import { namespaceLifecycle } from './plugins/namespace-lifecycle.ts';
import { nodeRestriction } from './plugins/node-restriction.ts';
import { serviceAccountAdmission, type ServiceAccountOptions } from './plugins/service-account.ts';

/** The flags' selection, and tuning for plugins that wait on controllers. */
export interface AdmissionOptions extends AdmissionPluginSelection {
  serviceAccount?: ServiceAccountOptions;
}

/** The chain of the enabled plugins over `ctx`. Names must already be valid (see admissionSelectionProblems). */
export function buildAdmissionChain(options: AdmissionOptions, ctx: AdmissionContext): AdmissionChain {
  const factories: Record<AdmissionPluginName, () => AdmissionPlugin> = {
    NamespaceLifecycle: () => namespaceLifecycle,
    ServiceAccount: () => serviceAccountAdmission(options.serviceAccount),
    NodeRestriction: () => nodeRestriction,
    CertificateApproval: () => certificateApproval,
    CertificateSigning: () => certificateSigning,
    CertificateSubjectRestriction: () => certificateSubjectRestriction,
  };
  return admissionChain(enabledAdmissionPlugins(options).map((name) => factories[name]()), ctx);
}
