// The two built-in signers a kubelet asks for certificates, and the key usages it requests from each. Since
// Kubernetes 1.27 "key encipherment" is requested only for RSA keys (it means nothing for ECDSA).
import type { KeyAlgorithm } from './private-key.ts';

/** Signs the kubelet's client certificate (CN `system:node:<name>`, O `system:nodes`). */
export const KUBE_APISERVER_CLIENT_KUBELET_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';

/** Signs the kubelet's serving certificate (`serverTLSBootstrap`); never approved automatically. */
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';

/** `certificates.k8s.io/v1` KeyUsage values a kubelet requests. */
export type KeyUsage = 'digital signature' | 'key encipherment' | 'client auth' | 'server auth';

/** client-go's DefaultKubeletClientGetUsages. */
export function kubeletClientUsages(algorithm: KeyAlgorithm): KeyUsage[] {
  return algorithm === 'rsa' ? ['digital signature', 'key encipherment', 'client auth'] : ['digital signature', 'client auth'];
}

/** client-go's DefaultKubeletServingGetUsages. */
export function kubeletServingUsages(algorithm: KeyAlgorithm): KeyUsage[] {
  return algorithm === 'rsa' ? ['digital signature', 'key encipherment', 'server auth'] : ['digital signature', 'server auth'];
}
