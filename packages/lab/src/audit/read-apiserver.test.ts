import { describe, it, expect } from 'vitest';
import { readApiserver } from './read-apiserver.ts';

const noFiles = (path: string): string => {
  throw new Error(`ENOENT: no such file or directory, open '${path}'`);
};

describe('readApiserver', () => {
  it('uses kube-apiserver\'s defaults for what the command line leaves out', () => {
    const result = readApiserver({ argv: [] }, noFiles);
    expect(result).toEqual({
      kind: 'ok',
      facts: {
        anonymousAuth: { value: true, evidence: '--anonymous-auth=true (default)' },
        authorizationModes: { value: ['AlwaysAllow'], evidence: '--authorization-mode=AlwaysAllow (default)' },
        kubeletClientCertificate: { value: false, evidence: '--kubelet-client-certificate not set; --kubelet-client-key not set' },
        kubeletCertificateAuthority: { value: false, evidence: '--kubelet-certificate-authority not set' },
        egress: { value: 'direct', evidence: 'no --egress-selector-config-file, no --ssh-user' },
        sshKnownHosts: { value: false, evidence: '--ssh-known-hosts-file not set' },
        kubeletCertCNValidation: { value: false, evidence: '--feature-gates: KubeletCertCNValidation=false (default)' },
      },
    });
  });

  it('reads the KubeletCertCNValidation gate from --feature-gates', () => {
    const result = readApiserver({ argv: ['--feature-gates=KubeletCertCNValidation=true'] }, noFiles);
    expect(result.kind === 'ok' && result.facts.kubeletCertCNValidation).toEqual({ value: true, evidence: '--feature-gates: KubeletCertCNValidation=true' });
  });

  it('notes files as set by their paths without reading them, service-account keys included', () => {
    const result = readApiserver(
      { argv: ['--kubelet-certificate-authority', '/pki/ca.crt', '--kubelet-client-certificate=/pki/kc.crt', '--service-account-key-file=/pki/sa.pub', '--service-account-signing-key-file', '/pki/sa.key'] },
      noFiles,
    );
    expect(result.kind === 'ok' && result.facts.kubeletCertificateAuthority).toEqual({ value: true, evidence: '--kubelet-certificate-authority=/pki/ca.crt' });
    // A certificate without its key is not a client certificate the apiserver can use.
    expect(result.kind === 'ok' && result.facts.kubeletClientCertificate).toEqual({ value: false, evidence: '--kubelet-client-certificate=/pki/kc.crt; --kubelet-client-key not set' });
  });

  it('reads the egress selector configuration, and says so when it cannot', () => {
    expect(readApiserver({ argv: ['--egress-selector-config-file=/etc/egress.yaml'] }, noFiles)).toEqual({
      kind: 'error',
      message: "apiserver: reading --egress-selector-config-file: ENOENT: no such file or directory, open '/etc/egress.yaml'",
    });
  });

  it('reports a value the apiserver parser rejects, prefixed with the component', () => {
    expect(readApiserver({ argv: ['--anonymous-auth=maybe'] }, noFiles)).toMatchObject({ kind: 'error', message: expect.stringMatching(/^apiserver: /) });
  });
});
