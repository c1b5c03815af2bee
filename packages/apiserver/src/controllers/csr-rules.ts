// What the built-in kubernetes.io signers accept (k8s.io/kubernetes pkg/apis/certificates helpers and the
// csrsigning controller's checks), with Kubernetes' error texts: they become a Failed condition's message.
import { SIGNERS } from '@hubspoke/api';
import type { CsrInfo } from '@hubspoke/pki';

/** The built-in signer names this apiserver's controllers serve. */
export { SIGNERS };

/** Whether a request fits a signer; `message` is Kubernetes' text for why not. */
export type RuleVerdict = { ok: true } | { ok: false; message: string };

/** A signer's check of a parsed request and the CSR's spec.usages. */
export type SignerRule = (request: CsrInfo, usages: readonly string[]) => RuleVerdict;

const NODE_PREFIX = 'system:node:';
const NODES_GROUP = 'system:nodes';

// Either set is accepted: "key encipherment" only makes sense for RSA keys, so ECDSA requests may omit it.
const KUBELET_CLIENT_USAGES = [
  ['client auth', 'digital signature', 'key encipherment'],
  ['client auth', 'digital signature'],
];
const KUBELET_SERVING_USAGES = [
  ['digital signature', 'key encipherment', 'server auth'],
  ['digital signature', 'server auth'],
];

const OK: RuleVerdict = { ok: true };
const fail = (message: string): RuleVerdict => ({ ok: false, message });

/** `ValidateKubeletClientCSR`: CN system:node:*, O exactly [system:nodes], no SANs, client usages. */
export const validateKubeletClientRequest: SignerRule = (request, usages) => {
  if (!onlyNodesGroup(request)) return fail('subject organization is not system:nodes');
  if (request.dnsNames.length > 0) return fail('DNS subjectAltNames are not allowed');
  if (request.emailAddresses.length > 0) return fail('Email subjectAltNames are not allowed');
  if (request.ipAddresses.length > 0) return fail('IP subjectAltNames are not allowed');
  if (request.uris.length > 0) return fail('URI subjectAltNames are not allowed');
  if (!request.commonName.startsWith(NODE_PREFIX)) return fail('subject common name does not begin with system:node:');
  if (!usagesMatch(usages, KUBELET_CLIENT_USAGES)) return fail(`usages did not match [${KUBELET_CLIENT_USAGES[0].join(' ')}]`);
  return OK;
};

/** `ValidateKubeletServingCSR`: O exactly [system:nodes], a DNS or IP SAN, no email/URI SANs, serving usages. */
export const validateKubeletServingRequest: SignerRule = (request, usages) => {
  if (!onlyNodesGroup(request)) return fail('subject organization is not system:nodes');
  if (request.dnsNames.length === 0 && request.ipAddresses.length === 0) return fail('DNS or IP subjectAltName is required');
  if (request.emailAddresses.length > 0) return fail('Email subjectAltNames are not allowed');
  if (request.uris.length > 0) return fail('URI subjectAltNames are not allowed');
  if (!usagesMatch(usages, KUBELET_SERVING_USAGES)) return fail(`usages did not match [${KUBELET_SERVING_USAGES[0].join(' ')}]`);
  if (!request.commonName.startsWith(NODE_PREFIX)) return fail('subject common name does not begin with system:node:');
  return OK;
};

/** The kube-apiserver-client signer: any subject, client auth required, digital signature / key encipherment allowed. */
export const validateApiserverClientRequest: SignerRule = (_request, usages) => {
  for (const usage of usages) {
    if (usage !== 'digital signature' && usage !== 'key encipherment' && usage !== 'client auth') {
      return fail(`invalid usage for client certificate: ${usage}`);
    }
  }
  return usages.includes('client auth') ? OK : fail('missing required usage for client certificate: client auth');
};

/** The rule of a built-in signer this apiserver serves; undefined for any other signer name. */
export function ruleFor(signerName: string): SignerRule | undefined {
  switch (signerName) {
    case SIGNERS.kubeletClient:
      return validateKubeletClientRequest;
    case SIGNERS.kubeletServing:
      return validateKubeletServingRequest;
    case SIGNERS.apiserverClient:
      return validateApiserverClientRequest;
    default:
      return undefined;
  }
}

function onlyNodesGroup(request: CsrInfo): boolean {
  return request.organizations.length === 1 && request.organizations[0] === NODES_GROUP;
}

// Kubernetes compares usages as sets, so repeats and order do not matter.
function usagesMatch(usages: readonly string[], accepted: string[][]): boolean {
  const given = new Set(usages);
  return accepted.some((set) => set.length === given.size && set.every((u) => given.has(u)));
}
