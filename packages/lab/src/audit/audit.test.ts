import { describe, it, expect } from 'vitest';
import { auditConfiguration, type AuditInput, type AuditReport } from './audit.ts';

// The lab's four profiles as the command lines (and files) a real cluster would have.
const PKI = '/etc/kubernetes/pki';
const KUBEADM_APISERVER = [
  '--advertise-address=10.0.0.10',
  '--secure-port=6443',
  '--authorization-mode=Node,RBAC',
  `--client-ca-file=${PKI}/ca.crt`,
  `--tls-cert-file=${PKI}/apiserver.crt`,
  `--tls-private-key-file=${PKI}/apiserver.key`,
  `--kubelet-client-certificate=${PKI}/apiserver-kubelet-client.crt`,
  `--kubelet-client-key=${PKI}/apiserver-kubelet-client.key`,
  '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
  '--enable-admission-plugins=NodeRestriction',
  '--enable-bootstrap-token-auth=true',
  `--service-account-key-file=${PKI}/sa.pub`,
  `--service-account-signing-key-file=${PKI}/sa.key`,
  '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
];

// What kubeadm writes to /var/lib/kubelet/config.yaml (the fields that matter here, and two hubspoke ignores).
const KUBEADM_KUBELET_CONFIG = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: ${PKI}/ca.crt
authorization:
  mode: Webhook
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
rotateCertificates: true
`;

const HARDENED_KUBELET_CONFIG = `${KUBEADM_KUBELET_CONFIG}readOnlyPort: 0
serverTLSBootstrap: true
tlsCertFile: /var/lib/kubelet/pki/kubelet.crt
tlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet.key
`;

const KONNECTIVITY_EGRESS = `apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport:
      uds:
        udsName: /etc/kubernetes/konnectivity-server/konnectivity-server.socket
`;

const FILES: Record<string, string> = {
  '/var/lib/kubelet/config.yaml': KUBEADM_KUBELET_CONFIG,
  '/var/lib/kubelet/hardened.yaml': HARDENED_KUBELET_CONFIG,
  '/etc/kubernetes/egress-selector-configuration.yaml': KONNECTIVITY_EGRESS,
};

function readFile(path: string): string {
  const text = FILES[path];
  if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  return text;
}

const NODES = ['node-1', 'node-2'];

const PROFILES: Record<string, AuditInput> = {
  'kubernetes-defaults': {
    apiserver: { argv: KUBEADM_APISERVER },
    kubelets: NODES.map((node, i) => ({
      argv: ['--kubeconfig=/etc/kubernetes/kubelet.conf', `--hostname-override=${node}`, `--node-ip=10.0.0.${11 + i}`, `--client-ca-file=${PKI}/ca.crt`],
    })),
    readFile,
  },
  kubeadm: {
    apiserver: { argv: KUBEADM_APISERVER },
    kubelets: NODES.map((node, i) => ({
      argv: ['--config=/var/lib/kubelet/config.yaml', '--kubeconfig=/etc/kubernetes/kubelet.conf', '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf', `--hostname-override=${node}`, `--node-ip=10.0.0.${11 + i}`],
    })),
    readFile,
  },
  hardened: {
    apiserver: {
      argv: [...KUBEADM_APISERVER, '--anonymous-auth=false', `--kubelet-certificate-authority=${PKI}/ca.crt`, '--egress-selector-config-file=/etc/kubernetes/egress-selector-configuration.yaml'],
    },
    kubelets: NODES.map((node, i) => ({
      argv: ['--config', '/var/lib/kubelet/hardened.yaml', '--kubeconfig=/etc/kubernetes/kubelet.conf', `--hostname-override=${node}`, `--node-ip=10.0.0.${11 + i}`],
    })),
    readFile,
  },
  'wide-open': {
    apiserver: { argv: ['--authorization-mode=AlwaysAllow'] },
    kubelets: NODES.map((node, i) => ({
      argv: [`--hostname-override=${node}`, `--node-ip=10.0.0.${11 + i}`, '--anonymous-auth=true', '--authorization-mode=AlwaysAllow', '--read-only-port=10255'],
    })),
    readFile,
  },
};

async function audit(input: AuditInput): Promise<AuditReport> {
  const outcome = await auditConfiguration(input);
  if (outcome.kind === 'error') throw new Error(outcome.message);
  return outcome.report;
}

/** `id → status` for the apiserver's controls, or one node's. */
function statuses(report: AuditReport, node?: string): Record<string, string> {
  return Object.fromEntries(report.controls.filter((c) => c.node === node).map((c) => [c.id, c.status]));
}

/** `attack → outcome`, with per-node attacks as `attack@node`. */
function outcomes(report: AuditReport): Record<string, string> {
  return Object.fromEntries(report.predictions.map((p) => [p.node ? `${p.attack}@${p.node}` : p.attack, p.outcome]));
}

function perNode(attack: string, outcome: string): Record<string, string> {
  return Object.fromEntries(NODES.map((n) => [`${attack}@${n}`, outcome]));
}

describe('auditConfiguration on the lab profiles', () => {
  it('kubernetes-defaults: the kubelet flags\' defaults and an unverified kubelet connection let every attack through but those blocked by design', async () => {
    const report = await audit(PROFILES['kubernetes-defaults']);
    expect(statuses(report)).toEqual({ '1.2.1': 'WARN', '1.2.4': 'PASS', '1.2.5': 'FAIL', '1.2.6': 'PASS', '1.2.7': 'PASS', '1.2.8': 'PASS', egress: 'WARN' });
    for (const node of NODES) {
      expect(statuses(report, node)).toEqual({ '4.2.1': 'FAIL', '4.2.2': 'FAIL', '4.2.3': 'PASS', '4.2.4': 'WARN', '4.2.9': 'WARN', '4.2.10': 'FAIL', '4.2.11': 'WARN' });
    }
    expect(outcomes(report)).toEqual({
      ...perNode('kubelet-anonymous-read', 'succeeds'),
      ...perNode('kubelet-anonymous-exec', 'succeeds'),
      ...perNode('kubelet-readonly-read', 'succeeds'),
      'mitm-observe': 'succeeds',
      ...perNode('mitm-read-output', 'succeeds'),
      'proxy-sniff': 'succeeds',
      'proxy-impersonate': 'succeeds',
      ...perNode('nodes-proxy-exec', 'succeeds'),
      'rogue-node': 'succeeds',
      'upgrade-redirect': 'blocked',
      'token-replay': 'blocked',
    });
    const anonymous = report.controls.find((c) => c.id === '4.2.1' && c.node === 'node-1');
    expect(anonymous?.evidence).toBe('--anonymous-auth=true (default without --config)');
    expect(report.controls.find((c) => c.id === '1.2.5')?.evidence).toBe('--kubelet-certificate-authority not set');
  });

  it('kubeadm: the kubelets are closed, but the apiserver still completes TLS with a man in the middle', async () => {
    const report = await audit(PROFILES.kubeadm);
    expect(statuses(report)).toEqual({ '1.2.1': 'WARN', '1.2.4': 'PASS', '1.2.5': 'FAIL', '1.2.6': 'PASS', '1.2.7': 'PASS', '1.2.8': 'PASS', egress: 'WARN' });
    for (const node of NODES) {
      expect(statuses(report, node)).toEqual({ '4.2.1': 'PASS', '4.2.2': 'PASS', '4.2.3': 'PASS', '4.2.4': 'PASS', '4.2.9': 'WARN', '4.2.10': 'PASS', '4.2.11': 'WARN' });
    }
    expect(outcomes(report)).toEqual({
      ...perNode('kubelet-anonymous-read', 'blocked'),
      ...perNode('kubelet-anonymous-exec', 'blocked'),
      ...perNode('kubelet-readonly-read', 'blocked'),
      'mitm-observe': 'succeeds',
      ...perNode('mitm-read-output', 'blocked'),
      'proxy-sniff': 'succeeds',
      'proxy-impersonate': 'succeeds',
      // Webhook kubelets authorize a WebSocket exec as `get`: no released flag closes that.
      ...perNode('nodes-proxy-exec', 'succeeds'),
      'rogue-node': 'succeeds',
      'upgrade-redirect': 'blocked',
      'token-replay': 'blocked',
    });
    const readOutput = report.predictions.find((p) => p.attack === 'mitm-read-output' && p.node === 'node-2');
    expect(readOutput?.because).toEqual(['1.2.5', 'egress=direct', '4.2.1']);
    expect(readOutput?.reason).toMatch(/cannot present the apiserver's client certificate/);
    expect(report.controls.find((c) => c.id === '4.2.1' && c.node === 'node-1')?.evidence).toBe(
      'authentication.anonymous.enabled: false (--config /var/lib/kubelet/config.yaml)',
    );
    expect(report.controls.find((c) => c.id === '4.2.4' && c.node === 'node-1')?.evidence).toBe('readOnlyPort: 0 (KubeletConfiguration default)');
  });

  it('hardened: every control passes and every attack is blocked but `get nodes/proxy` exec, which no released flag closes', async () => {
    const report = await audit(PROFILES.hardened);
    expect(report.controls.filter((c) => c.status !== 'PASS')).toEqual([]);
    expect(report.controls.map((c) => c.id)).toContain('4.2.11');
    expect(report.predictions.filter((p) => p.outcome !== 'blocked').map((p) => `${p.attack}@${p.node}`)).toEqual(NODES.map((n) => `nodes-proxy-exec@${n}`));
    expect(report.predictions).toHaveLength(5 * NODES.length + 6);
    const rogue = report.predictions.find((p) => p.attack === 'rogue-node');
    expect(rogue?.because).toEqual(['1.2.5', 'egress=konnectivity']);
    const observe = report.predictions.find((p) => p.attack === 'mitm-observe');
    expect(observe?.because).toEqual(['1.2.5', 'egress=konnectivity']);
    expect(report.controls.find((c) => c.id === 'egress')?.evidence).toBe(
      'konnectivity: --egress-selector-config-file=/etc/kubernetes/egress-selector-configuration.yaml: egress selection cluster: HTTPConnect',
    );
  });

  it('wide-open: an AlwaysAllow apiserver and anonymous AlwaysAllow kubelets fail every authorization control and let every attack through but those blocked by design', async () => {
    const report = await audit(PROFILES['wide-open']);
    expect(statuses(report)).toEqual({ '1.2.1': 'WARN', '1.2.4': 'FAIL', '1.2.5': 'FAIL', '1.2.6': 'FAIL', '1.2.7': 'FAIL', '1.2.8': 'FAIL', egress: 'WARN' });
    for (const node of NODES) {
      expect(statuses(report, node)).toEqual({ '4.2.1': 'FAIL', '4.2.2': 'FAIL', '4.2.3': 'FAIL', '4.2.4': 'WARN', '4.2.9': 'WARN', '4.2.10': 'FAIL', '4.2.11': 'WARN' });
    }
    expect(report.predictions.filter((p) => p.outcome === 'blocked').map((p) => p.attack)).toEqual(['upgrade-redirect', 'token-replay']);
    expect(report.controls.find((c) => c.id === '4.2.4' && c.node === 'node-2')?.evidence).toBe('--read-only-port=10255');
  });
});

describe('auditConfiguration edge cases', () => {
  it('names the component and the flag when a command line has an unknown flag', async () => {
    expect(await auditConfiguration({ apiserver: { argv: ['--bogus', '1'] }, kubelets: [] })).toEqual({ kind: 'error', message: 'apiserver: unknown flag: --bogus' });
    expect(await auditConfiguration({ apiserver: { argv: [] }, kubelets: [{ argv: ['--hostname-override=a'] }, { argv: ['--kubelet-bogus'] }] })).toEqual({
      kind: 'error',
      message: 'kubelet 2: failed to parse kubelet flag: unknown flag: --kubelet-bogus',
    });
  });

  it('says which file could not be read', async () => {
    const outcome = await auditConfiguration({ ...PROFILES.kubeadm, kubelets: [{ argv: ['--config=/nowhere.yaml', '--kubeconfig=/k'] }] });
    expect(outcome.kind).toBe('error');
    if (outcome.kind === 'error') expect(outcome.message).toMatch(/^kubelet 1: failed to load kubelet config file, path: \/nowhere\.yaml, error: ENOENT/);
  });

  it('reports a kubelet configuration the kubelet itself would refuse', async () => {
    const outcome = await auditConfiguration({ apiserver: { argv: [] }, kubelets: [{ argv: ['--hostname-override=n', '--authorization-mode=Webhook'] }] });
    expect(outcome).toEqual({ kind: 'error', message: 'kubelet 1: invalid configuration: authorization mode Webhook needs a kubeconfig to send SubjectAccessReviews' });
  });

  it('predicts anonymous kubelet access through Webhook kubelets when AlwaysAllow is among the apiserver\'s modes', async () => {
    const kubelet = { argv: ['--hostname-override=node-1', '--kubeconfig=/k', '--authorization-mode=Webhook'] };
    const withAlwaysAllow = await audit({ apiserver: { argv: ['--authorization-mode=Node,RBAC,AlwaysAllow'] }, kubelets: [kubelet] });
    expect(statuses(withAlwaysAllow)['1.2.6']).toBe('FAIL');
    expect(outcomes(withAlwaysAllow)['kubelet-anonymous-exec@node-1']).toBe('succeeds');
    const rbacOnly = await audit({ apiserver: { argv: ['--authorization-mode=Node,RBAC'] }, kubelets: [kubelet] });
    expect(outcomes(rbacOnly)['kubelet-anonymous-exec@node-1']).toBe('blocked');
  });

  it('predicts a man in the middle blocked by SSH tunnels, and warns when node host keys are not checked', async () => {
    const ssh = ['--ssh-user=kube-apiserver', '--ssh-keyfile=/etc/kubernetes/ssh/id_ed25519'];
    const kubelets = [{ argv: ['--hostname-override=node-1'] }];
    const unchecked = await audit({ apiserver: { argv: ssh }, kubelets });
    expect(outcomes(unchecked)['mitm-observe']).toBe('blocked');
    expect(outcomes(unchecked)['proxy-sniff']).toBe('blocked');
    expect(unchecked.controls.find((c) => c.id === 'egress.ssh-known-hosts')).toMatchObject({ status: 'WARN', evidence: '--ssh-known-hosts-file not set', benchmark: 'hubspoke' });
    expect(unchecked.predictions.find((p) => p.attack === 'mitm-observe')?.reason).toMatch(/host keys are not checked/);
    const checked = await audit({ apiserver: { argv: [...ssh, '--ssh-known-hosts-file=/etc/kubernetes/ssh/known_hosts'] }, kubelets });
    expect(checked.controls.find((c) => c.id === 'egress.ssh-known-hosts')).toMatchObject({ status: 'PASS', evidence: '--ssh-known-hosts-file=/etc/kubernetes/ssh/known_hosts' });
  });

  it('audits the in-process options the lab starts a cluster with like the equivalent command lines', async () => {
    const fromObjects = await audit({
      apiserver: { options: { authorizationModes: ['Node', 'RBAC'], kubeletClientCert: 'PEM', kubeletClientKey: 'PEM', kubeletCertificateAuthority: 'PEM', egressSelectorConfig: KONNECTIVITY_EGRESS } },
      kubelets: [{ config: { nodeName: 'node-1', nodeIP: '10.0.0.11', kubeconfig: '/k', clientCA: 'PEM', readOnlyPort: 0, anonymousAuth: false, authorizationMode: 'Webhook' } }],
    });
    const fromArgv = await audit({
      apiserver: {
        argv: ['--authorization-mode=Node,RBAC', '--kubelet-client-certificate=/c', '--kubelet-client-key=/k', '--kubelet-certificate-authority=/ca', '--egress-selector-config-file=/etc/kubernetes/egress-selector-configuration.yaml'],
      },
      kubelets: [{ argv: ['--hostname-override=node-1', '--node-ip=10.0.0.11', '--kubeconfig=/k', '--client-ca-file=/ca', '--read-only-port=0', '--anonymous-auth=false', '--authorization-mode=Webhook'] }],
      readFile,
    });
    const strip = (r: AuditReport) => ({ controls: r.controls.map(({ evidence: _e, ...c }) => c), predictions: r.predictions });
    expect(strip(fromObjects)).toEqual(strip(fromArgv));
    expect(fromObjects.controls.find((c) => c.id === '1.2.5')?.evidence).toBe('kubeletCertificateAuthority (set in-process)');
    expect(fromObjects.controls.find((c) => c.id === '4.2.1')?.evidence).toBe('anonymousAuth: false (set in-process)');
  });
});
