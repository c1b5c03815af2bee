// @hubspoke/pki: CAs, certificates, CSRs, chain verification, kubeconfigs and the cluster's cert layout.
export type { CertKey } from './cert-key.ts';
export type { CertUsage } from './usage.ts';
export { EXT_KEY_USAGE_OID } from './usage.ts';
export type { ValidityOptions } from './validity.ts';
export { createCA, type CreateCAOptions } from './ca.ts';
export { issueCertificate, type IssueCertificateOptions } from './issue.ts';
export { createSelfSignedServingCert, type SelfSignedServingOptions } from './self-signed-serving.ts';
export { createServiceAccountKeyPair, type ServiceAccountKeyPair } from './service-account-key.ts';
export { createCsr, parseCsr, type CreateCsrOptions, type CsrInfo } from './csr.ts';
export { signCsr, type SignCsrOptions } from './sign-csr.ts';
export { signCertificateRequest, type SignRequestOptions, type SignRequestResult } from './sign-request.ts';
export { x509Usages, type X509Usages } from './key-usages.ts';
export { describeCertificate, toX509, type CertificateInfo } from './cert-info.ts';
export { verifyChain, type ChainVerdict, type VerifyChainOptions } from './verify-chain.ts';
export { decodePemBlocks, encodePem, splitCertificateBundle, type PemBlock } from './pem.ts';
export {
  APISERVER_SERVICE_NAMES,
  SYSTEM_MASTERS,
  SYSTEM_NODES,
  createClusterPki,
  nodeUserName,
  type ClusterPki,
  type ClusterPkiOptions,
  type NodePki,
} from './cluster-pki.ts';
export { writeClusterPki, type NodePkiPaths, type PkiPaths, type WriteClusterPkiOptions } from './layout.ts';
export {
  buildKubeconfig,
  kubeconfigToYaml,
  type BuildKubeconfigOptions,
  type Kubeconfig,
  type KubeconfigCluster,
  type KubeconfigContext,
  type KubeconfigUser,
} from './kubeconfig.ts';
export { loadKubeconfig, type LoadKubeconfigOptions, type ResolvedKubeconfig } from './load-kubeconfig.ts';
export { subjectString, type SubjectSpec } from './subject.ts';
