// Judging each control against the effective settings (not only against what was written: a flag left at an
// insecure default fails like one set to it). Besides the CIS controls, two facts of this path that no
// benchmark control covers: which egress the apiserver uses (C11–C14) and, for SSH tunnels, whether node host
// keys are checked.
import type { AuditedConfiguration, ApiserverFacts, KubeletFacts } from './configuration.ts';
import { cisControl, type CisControlId } from './cis-controls.ts';

/** A control's outcome, as kube-bench prints it. */
export type ControlStatus = 'PASS' | 'FAIL' | 'WARN';

/** One control judged for one component (and node, for kubelets). */
export interface ControlResult {
  /** kube-bench's id (`1.2.5`), or `egress` / `egress.ssh-known-hosts` for hubspoke's own facts. */
  id: string;
  benchmark: 'CIS' | 'hubspoke';
  /** For CIS controls: a Manual one that does not hold is a WARN. */
  assessment?: 'Automated' | 'Manual';
  component: 'apiserver' | 'kubelet';
  node?: string;
  title: string;
  status: ControlStatus;
  /** The flag or value seen. */
  evidence: string;
  remediation: string;
}

/** Every control for the apiserver, then for each kubelet in order. */
export function checkControls(config: AuditedConfiguration): ControlResult[] {
  return [...checkApiserver(config.apiserver), ...egressFacts(config.apiserver), ...config.kubelets.flatMap(checkKubelet)];
}

function cis(id: CisControlId, holds: boolean, evidence: string, node?: string): ControlResult {
  const control = cisControl(id);
  const failed = control.assessment === 'Manual' ? 'WARN' : 'FAIL';
  return {
    id,
    benchmark: 'CIS',
    assessment: control.assessment,
    component: control.component,
    ...(node === undefined ? {} : { node }),
    title: control.title,
    status: holds ? 'PASS' : failed,
    evidence,
    remediation: control.remediation,
  };
}

function checkApiserver(api: ApiserverFacts): ControlResult[] {
  const modes = api.authorizationModes;
  return [
    cis('1.2.1', !api.anonymousAuth.value, api.anonymousAuth.evidence),
    cis('1.2.4', api.kubeletClientCertificate.value, api.kubeletClientCertificate.evidence),
    cis('1.2.5', api.kubeletCertificateAuthority.value, api.kubeletCertificateAuthority.evidence),
    cis('1.2.6', !modes.value.includes('AlwaysAllow'), modes.evidence),
    cis('1.2.7', modes.value.includes('Node'), modes.evidence),
    cis('1.2.8', modes.value.includes('RBAC'), modes.evidence),
  ];
}

function checkKubelet(k: KubeletFacts): ControlResult[] {
  const node = k.node;
  // Without serving files the kubelet makes up a self-signed certificate, unless it asks the cluster for one.
  const serving = k.servingCertificate.value
    ? k.servingCertificate.evidence
    : `${k.servingCertificate.evidence}; ${k.serverTLSBootstrap.value ? 'the serving certificate is requested from the cluster instead' : 'the kubelet serves a self-signed certificate'}`;
  return [
    cis('4.2.1', !k.anonymousAuth.value, k.anonymousAuth.evidence, node),
    cis('4.2.2', k.authorizationMode.value !== 'AlwaysAllow', k.authorizationMode.evidence, node),
    cis('4.2.3', k.clientCA.value, k.clientCA.evidence, node),
    cis('4.2.4', k.readOnlyPort.value === 0, k.readOnlyPort.evidence, node),
    cis('4.2.9', k.servingCertificate.value || k.serverTLSBootstrap.value, serving, node),
    cis('4.2.10', k.rotateCertificates.value, k.rotateCertificates.evidence, node),
    // hubspoke's kubelet has no feature gates: RotateKubeletServerCertificate is always on, serverTLSBootstrap decides.
    cis('4.2.11', k.serverTLSBootstrap.value, `${k.serverTLSBootstrap.evidence}; RotateKubeletServerCertificate is on`, node),
  ];
}

function egressFacts(api: ApiserverFacts): ControlResult[] {
  const mode = api.egress.value;
  const results: ControlResult[] = [
    {
      id: 'egress',
      benchmark: 'hubspoke',
      component: 'apiserver',
      title: 'Control plane → node traffic travels inside an authenticated tunnel (Konnectivity, or the deprecated SSH tunnels)',
      status: mode === 'konnectivity' ? 'PASS' : 'WARN',
      evidence: `${mode}: ${api.egress.evidence}`,
      remediation:
        mode === 'ssh'
          ? 'SSH tunnels are deprecated (C14): move to Konnectivity with an --egress-selector-config-file whose cluster selection uses HTTPConnect.'
          : 'Proxied node, pod and service traffic crosses the network as plain HTTP or unverified HTTPS (C11, C12): run Konnectivity and point --egress-selector-config-file at it.',
    },
  ];
  if (mode === 'ssh') {
    results.push({
      id: 'egress.ssh-known-hosts',
      benchmark: 'hubspoke',
      component: 'apiserver',
      title: 'The apiserver checks each node\'s SSH host key before tunnelling to it (--ssh-known-hosts-file)',
      status: api.sshKnownHosts.value ? 'PASS' : 'WARN',
      evidence: api.sshKnownHosts.evidence,
      remediation: 'Without known hosts the tunnel does not authenticate the node\'s sshd: whoever answers on port 22 for a node\'s address gets the traffic. Pass --ssh-known-hosts-file with the nodes\' host keys.',
    });
  }
  return results;
}
