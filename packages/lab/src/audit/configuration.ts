// What the audit judges: the effective settings of one apiserver and its kubelets, each value with the words
// that show where it came from (a flag, a KubeletConfiguration field, a default, an in-process option), so that
// every control and prediction can cite its evidence. Reading command lines or objects into this is done by
// read-apiserver.ts and read-kubelet.ts; checks and predictions only look at this.
import type { AuthorizationMode as ApiserverAuthorizationMode } from '@hubspoke/apiserver';
import type { AuthorizationMode as KubeletAuthorizationMode } from '@hubspoke/kubelet';
import type { EgressMode } from '../egress.ts';

/** An effective value and the evidence for it (e.g. `--anonymous-auth=true (default)`). */
export interface Setting<T> {
  value: T;
  evidence: string;
}

/** The apiserver settings that decide the controls and predictions. */
export interface ApiserverFacts {
  anonymousAuth: Setting<boolean>;
  authorizationModes: Setting<ApiserverAuthorizationMode[]>;
  /** Both `--kubelet-client-certificate` and `--kubelet-client-key` are set. */
  kubeletClientCertificate: Setting<boolean>;
  kubeletCertificateAuthority: Setting<boolean>;
  /** How the apiserver reaches nodes: directly, through Konnectivity, or through SSH tunnels. */
  egress: Setting<EgressMode>;
  /** `--ssh-known-hosts-file` is set (only meaningful for SSH egress). */
  sshKnownHosts: Setting<boolean>;
  /** The KubeletCertCNValidation gate (KEP-4872): a verified kubelet certificate must also be the dialled node's. */
  kubeletCertCNValidation: Setting<boolean>;
}

/** One kubelet's settings that decide the controls and predictions. */
export interface KubeletFacts {
  node: string;
  anonymousAuth: Setting<boolean>;
  authorizationMode: Setting<KubeletAuthorizationMode>;
  /** Bearer tokens are checked with a TokenReview at the apiserver. */
  authenticationTokenWebhook: Setting<boolean>;
  /** hubspoke's KubeletWebsocketUpgradeCreatePermission gate: a WebSocket exec/attach/port-forward also needs `create`. */
  websocketUpgradeCreatePermission: Setting<boolean>;
  clientCA: Setting<boolean>;
  readOnlyPort: Setting<number>;
  /** A serving certificate and key were given (files or, in-process, PEM). */
  servingCertificate: Setting<boolean>;
  rotateCertificates: Setting<boolean>;
  serverTLSBootstrap: Setting<boolean>;
}

/** A whole cluster's configuration as the audit sees it. */
export interface AuditedConfiguration {
  apiserver: ApiserverFacts;
  kubelets: KubeletFacts[];
}
