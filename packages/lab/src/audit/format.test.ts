import { describe, it, expect } from 'vitest';
import { auditFacts } from './audit.ts';
import type { AuditedConfiguration } from './configuration.ts';
import { formatAuditJson, formatAuditText } from './format.ts';

const seen = <T>(value: T, evidence = String(value)) => ({ value, evidence });

const config: AuditedConfiguration = {
  apiserver: {
    anonymousAuth: seen(false, '--anonymous-auth=false'),
    authorizationModes: seen<('Node' | 'RBAC')[]>(['Node', 'RBAC'], '--authorization-mode=Node,RBAC'),
    kubeletClientCertificate: seen(true, '--kubelet-client-certificate=/c; --kubelet-client-key=/k'),
    kubeletCertificateAuthority: seen(false, '--kubelet-certificate-authority not set'),
    egress: seen<'direct'>('direct', 'no --egress-selector-config-file, no --ssh-user'),
    sshKnownHosts: seen(false),
    kubeletCertCNValidation: seen(false, '--feature-gates: KubeletCertCNValidation=false (default)'),
  },
  kubelets: [
    {
      node: 'node-1',
      anonymousAuth: seen(false),
      authorizationMode: seen<'Webhook'>('Webhook'),
      authenticationTokenWebhook: seen(true),
      websocketUpgradeCreatePermission: seen(false),
      clientCA: seen(true),
      readOnlyPort: seen(0),
      servingCertificate: seen(false, '--tls-cert-file not set; --tls-private-key-file not set'),
      rotateCertificates: seen(true),
      serverTLSBootstrap: seen(false),
    },
  ],
};

describe('formatAuditText', () => {
  const text = formatAuditText(auditFacts(config));

  it('prints one kube-bench-like line per control with what was seen', () => {
    expect(text).toContain('[INFO] apiserver\n[PASS] 1.2.1 The apiserver turns away requests that carry no credentials (--anonymous-auth=false) (Manual)\n       seen: --anonymous-auth=false\n');
    expect(text).toContain('[FAIL] 1.2.5 The apiserver checks kubelet serving certificates against a CA (--kubelet-certificate-authority) (Automated)\n       seen: --kubelet-certificate-authority not set\n');
    expect(text).toContain('[INFO] kubelet node-1\n[PASS] 4.2.1 ');
    expect(text).toContain('[WARN] 4.2.9 ');
  });

  it('lists the remediation of every control that did not pass, and none of those that did', () => {
    const remediations = text.slice(text.indexOf('== Remediations =='), text.indexOf('== Predicted attacks =='));
    expect(remediations).toContain('1.2.5 Give kubelets serving certificates signed by a CA');
    expect(remediations).toContain('4.2.11 (node-1) Set serverTLSBootstrap: true');
    expect(remediations).not.toContain('1.2.1 ');
  });

  it('ends with the predictions, their reasons and a summary', () => {
    expect(text).toContain('[SUCCEEDS] mitm-observe: The apiserver dials kubelets directly and does not verify their serving certificates, so it completes TLS with the attacker\'s (C9). (because 1.2.5, egress=direct)');
    expect(text).toContain('[BLOCKED] kubelet-anonymous-read on node-1: ');
    expect(text.slice(text.indexOf('== Summary =='))).toBe('== Summary ==\n10 checks PASS\n1 checks FAIL\n3 checks WARN\n5 of 11 attack predictions succeed\n');
  });
});

describe('formatAuditJson', () => {
  it('is the report itself', () => {
    const report = auditFacts(config);
    expect(JSON.parse(formatAuditJson(report))).toEqual(report);
  });
});
