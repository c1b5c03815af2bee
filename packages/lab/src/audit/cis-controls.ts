// The CIS Kubernetes Benchmark controls on the control plane → node path, in kube-bench's numbering (identical
// in its cfg/cis-1.8 and cfg/cis-1.9 master.yaml and node.yaml), each described and remedied in our own words.
// Whether a control is Manual matters for its status: like kube-bench, a Manual control that does not hold is
// reported as WARN, an Automated one as FAIL.

/** The benchmark controls this audit checks. */
export type CisControlId =
  | '1.2.1'
  | '1.2.4'
  | '1.2.5'
  | '1.2.6'
  | '1.2.7'
  | '1.2.8'
  | '4.2.1'
  | '4.2.2'
  | '4.2.3'
  | '4.2.4'
  | '4.2.9'
  | '4.2.10'
  | '4.2.11';

/** One control: where it applies, what it asks, and how to put it right. */
export interface CisControl {
  id: CisControlId;
  component: 'apiserver' | 'kubelet';
  /** kube-bench's assessment: a Manual control that does not hold is a WARN, not a FAIL. */
  assessment: 'Automated' | 'Manual';
  title: string;
  remediation: string;
}

/** The controls in report order (kube-bench's: master, then node). */
export const CIS_CONTROLS: readonly CisControl[] = [
  {
    id: '1.2.1',
    component: 'apiserver',
    assessment: 'Manual',
    title: 'The apiserver turns away requests that carry no credentials (--anonymous-auth=false)',
    remediation: 'Start kube-apiserver with --anonymous-auth=false; health checks that relied on anonymous access then need credentials.',
  },
  {
    id: '1.2.4',
    component: 'apiserver',
    assessment: 'Automated',
    title: 'The apiserver proves who it is to kubelets with a client certificate (--kubelet-client-certificate, --kubelet-client-key)',
    remediation: 'Issue the apiserver a client certificate the kubelets\' --client-ca-file trusts, and pass it with --kubelet-client-certificate and --kubelet-client-key.',
  },
  {
    id: '1.2.5',
    component: 'apiserver',
    assessment: 'Automated',
    title: 'The apiserver checks kubelet serving certificates against a CA (--kubelet-certificate-authority)',
    remediation: 'Give kubelets serving certificates signed by a CA (serverTLSBootstrap or --tls-cert-file) and pass that CA to kube-apiserver with --kubelet-certificate-authority.',
  },
  {
    id: '1.2.6',
    component: 'apiserver',
    assessment: 'Automated',
    title: 'The apiserver does not authorize everything (--authorization-mode without AlwaysAllow)',
    remediation: 'Remove AlwaysAllow from kube-apiserver\'s --authorization-mode, e.g. --authorization-mode=Node,RBAC.',
  },
  {
    id: '1.2.7',
    component: 'apiserver',
    assessment: 'Automated',
    title: 'The apiserver limits each kubelet to its own node\'s objects (--authorization-mode includes Node)',
    remediation: 'Add Node to kube-apiserver\'s --authorization-mode, e.g. --authorization-mode=Node,RBAC.',
  },
  {
    id: '1.2.8',
    component: 'apiserver',
    assessment: 'Automated',
    title: 'The apiserver authorizes users with roles and bindings (--authorization-mode includes RBAC)',
    remediation: 'Add RBAC to kube-apiserver\'s --authorization-mode, e.g. --authorization-mode=Node,RBAC.',
  },
  {
    id: '4.2.1',
    component: 'kubelet',
    assessment: 'Automated',
    title: 'The kubelet turns away requests that carry no credentials (--anonymous-auth=false, authentication.anonymous.enabled)',
    remediation: 'Set authentication.anonymous.enabled: false in the KubeletConfiguration, or start the kubelet with --anonymous-auth=false.',
  },
  {
    id: '4.2.2',
    component: 'kubelet',
    assessment: 'Automated',
    title: 'The kubelet asks the apiserver whether a caller may act, instead of allowing everything (--authorization-mode, authorization.mode)',
    remediation: 'Set authorization.mode: Webhook in the KubeletConfiguration, or start the kubelet with --authorization-mode=Webhook (it needs a --kubeconfig).',
  },
  {
    id: '4.2.3',
    component: 'kubelet',
    assessment: 'Automated',
    title: 'The kubelet authenticates client certificates against a CA (--client-ca-file, authentication.x509.clientCAFile)',
    remediation: 'Point authentication.x509.clientCAFile (or --client-ca-file) at the CA that signed the apiserver\'s kubelet client certificate.',
  },
  {
    id: '4.2.4',
    component: 'kubelet',
    assessment: 'Manual',
    title: 'The kubelet\'s unauthenticated read-only port is closed (--read-only-port=0, readOnlyPort)',
    remediation: 'Set readOnlyPort: 0 in the KubeletConfiguration (its default there), or start the kubelet with --read-only-port=0.',
  },
  {
    id: '4.2.9',
    component: 'kubelet',
    assessment: 'Manual',
    title: 'The kubelet serves HTTPS with a certificate it was given rather than one it made up (--tls-cert-file, --tls-private-key-file)',
    remediation: 'Give the kubelet a serving certificate and key from the cluster\'s CA with tlsCertFile and tlsPrivateKeyFile (or the flags), or let it request one with serverTLSBootstrap.',
  },
  {
    id: '4.2.10',
    component: 'kubelet',
    assessment: 'Automated',
    title: 'The kubelet renews its client certificate from the apiserver before it expires (--rotate-certificates, rotateCertificates)',
    remediation: 'Set rotateCertificates: true in the KubeletConfiguration, or start the kubelet with --rotate-certificates.',
  },
  {
    id: '4.2.11',
    component: 'kubelet',
    assessment: 'Manual',
    title: 'The kubelet requests and renews its serving certificate from the cluster (RotateKubeletServerCertificate, serverTLSBootstrap)',
    remediation: 'Set serverTLSBootstrap: true in the KubeletConfiguration (or --rotate-server-certificates) and have its CertificateSigningRequests approved.',
  },
];

/** The control with this id. */
export function cisControl(id: CisControlId): CisControl {
  const control = CIS_CONTROLS.find((c) => c.id === id);
  if (!control) throw new Error(`unknown CIS control ${id}`);
  return control;
}
