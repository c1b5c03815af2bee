// The lab's profiles: named sets of the flags that decide the control plane → node paths, so a user can start
// what the document describes, what kubeadm sets up, a hardened cluster, or a wide-open one, and then flip any
// single flag on top (`hubspoke up --profile kubeadm --apiserver-arg=--kubelet-certificate-authority=…`).
import type { ApiserverOptions } from '@hubspoke/apiserver';
import type { KubeletConfigInput } from '@hubspoke/kubelet';
import type { EgressMode } from './egress.ts';

/** The profiles' names, in the order `hubspoke up --help` lists them. */
export const PROFILE_NAMES = ['kubernetes-defaults', 'kubeadm', 'hardened', 'wide-open'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** What a profile sets: the startCluster fields that matter for the paths. */
export interface ProfileSettings {
  apiserver: Partial<ApiserverOptions>;
  kubelet: Partial<KubeletConfigInput>;
  kubeletServingCerts: 'self-signed' | 'cluster-ca';
  /** `--kubelet-certificate-authority` = the cluster CA. */
  verifyKubelets: boolean;
  egress: EgressMode;
}

/** A profile: its settings and, for people, what it stands for and what it leaves open. */
export interface LabProfile {
  name: ProfileName;
  summary: string;
  settings: ProfileSettings;
}

const PROFILES: Record<ProfileName, LabProfile> = {
  'kubernetes-defaults': {
    name: 'kubernetes-defaults',
    summary:
      'What the document describes: the apiserver does not verify kubelets (no --kubelet-certificate-authority) and each kubelet serves a self-signed certificate. Kubelets run from a KubeletConfiguration with its defaults (anonymous off, Webhook authorization, read-only port 0).',
    settings: {
      // kube-apiserver's default admission plugins (no NodeRestriction); Node,RBAC as every installer sets it.
      apiserver: { anonymousAuth: true, authorizationModes: ['Node', 'RBAC'], enableAdmissionPlugins: [] },
      kubelet: { defaults: 'kubelet-configuration' },
      kubeletServingCerts: 'self-signed',
      verifyKubelets: false,
      egress: 'direct',
    },
  },
  kubeadm: {
    name: 'kubeadm',
    summary:
      'kubeadm init/join: Node,RBAC with NodeRestriction and bootstrap tokens, kubelet client certificates that rotate, kubelets with Webhook authn/authz and --client-ca-file; kubelet serving certificates are still self-signed and unverified.',
    settings: {
      apiserver: { anonymousAuth: true, authorizationModes: ['Node', 'RBAC'], enableAdmissionPlugins: ['NodeRestriction'], enableBootstrapTokenAuth: true },
      kubelet: { defaults: 'kubelet-configuration', rotateCertificates: true },
      kubeletServingCerts: 'self-signed',
      verifyKubelets: false,
      egress: 'direct',
    },
  },
  hardened: {
    name: 'hardened',
    summary:
      'Every fix the document names: kubelet serving certificates from the cluster CA verified with --kubelet-certificate-authority, anonymous auth off on the apiserver and the kubelets, Node,RBAC, Webhook on kubelets, no read-only port, and egress through Konnectivity.',
    settings: {
      apiserver: { anonymousAuth: false, authorizationModes: ['Node', 'RBAC'], enableAdmissionPlugins: ['NodeRestriction'], enableBootstrapTokenAuth: true },
      kubelet: { defaults: 'kubelet-configuration', anonymousAuth: false, authorizationMode: 'Webhook', readOnlyPort: 0, rotateCertificates: true },
      kubeletServingCerts: 'cluster-ca',
      verifyKubelets: true,
      egress: 'konnectivity',
    },
  },
  'wide-open': {
    name: 'wide-open',
    summary:
      "The kubelet's command-line defaults: anonymous requests allowed with AlwaysAllow authorization, and the unauthenticated read-only port 10255. Anyone who reaches a node reads its pods and runs commands in them.",
    settings: {
      apiserver: { anonymousAuth: true, authorizationModes: ['Node', 'RBAC'] },
      kubelet: { defaults: 'flags', anonymousAuth: true, authorizationMode: 'AlwaysAllow', readOnlyPort: 10255 },
      kubeletServingCerts: 'self-signed',
      verifyKubelets: false,
      egress: 'direct',
    },
  },
};

/** The named profile; throws with the list of names for an unknown one. */
export function profile(name: string): LabProfile {
  if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown profile "${name}": choose one of ${PROFILE_NAMES.join(', ')}`);
  }
  return PROFILES[name as ProfileName];
}
