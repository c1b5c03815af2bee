import { describe, it, expect } from 'vitest';
import { readKubelet } from './read-kubelet.ts';

const EMPTY_CONFIG = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n';
const files: Record<string, string> = {
  '/etc/kubelet/empty.yaml': EMPTY_CONFIG,
  '/etc/kubelet/gated.yaml': `${EMPTY_CONFIG}featureGates:\n  KubeletWebsocketUpgradeCreatePermission: true\n`,
  '/etc/kubelet/open.yaml': `${EMPTY_CONFIG}readOnlyPort: 10255\nauthentication:\n  x509:\n    clientCAFile: ca.crt\n`,
};
const readFile = (path: string) => {
  if (!(path in files)) throw new Error(`ENOENT: ${path}`);
  return files[path];
};

async function facts(argv: string[]) {
  const result = await readKubelet({ argv }, { readFile, label: 'kubelet 1' });
  if (result.kind === 'error') throw new Error(result.message);
  return result.facts;
}

describe('readKubelet', () => {
  it('gives a kubelet started with flags alone the legacy insecure defaults', async () => {
    const f = await facts(['--hostname-override=Node-A']);
    expect(f.node).toBe('node-a');
    expect([f.anonymousAuth.value, f.authorizationMode.value, f.readOnlyPort.value]).toEqual([true, 'AlwaysAllow', 10255]);
    expect(f.authorizationMode.evidence).toBe('--authorization-mode=AlwaysAllow (default without --config)');
  });

  it('gives a kubelet with an empty KubeletConfiguration the secure defaults', async () => {
    const f = await facts(['--config=/etc/kubelet/empty.yaml', '--kubeconfig=/k', '--hostname-override=n']);
    expect([f.anonymousAuth.value, f.authorizationMode.value, f.readOnlyPort.value]).toEqual([false, 'Webhook', 0]);
    expect(f.clientCA).toEqual({ value: false, evidence: 'neither --client-ca-file nor authentication.x509.clientCAFile in --config /etc/kubelet/empty.yaml' });
  });

  it('lets flags override the file, and resolves the file\'s relative paths against it', async () => {
    const f = await facts(['--config', '/etc/kubelet/open.yaml', '--read-only-port=0', '--anonymous-auth=false', '--authorization-mode=AlwaysAllow', '--kubeconfig=/k', '--hostname-override=n']);
    expect(f.readOnlyPort).toEqual({ value: 0, evidence: '--read-only-port=0' });
    expect(f.clientCA).toEqual({ value: true, evidence: 'authentication.x509.clientCAFile: /etc/kubelet/ca.crt (--config /etc/kubelet/open.yaml)' });
    expect(f.authorizationMode.evidence).toBe('--authorization-mode=AlwaysAllow');
  });

  it('reads the token webhook and hubspoke\'s WebSocket create-permission gate, with their origin', async () => {
    const off = await facts(['--hostname-override=n']);
    expect(off.authenticationTokenWebhook).toEqual({ value: false, evidence: '--authentication-token-webhook=false (default without --config)' });
    expect(off.websocketUpgradeCreatePermission).toEqual({ value: false, evidence: '--feature-gates: KubeletWebsocketUpgradeCreatePermission=false (default)' });
    const on = await facts(['--config=/etc/kubelet/empty.yaml', '--kubeconfig=/k', '--hostname-override=n', '--feature-gates=KubeletWebsocketUpgradeCreatePermission=true']);
    expect(on.authenticationTokenWebhook.value).toBe(true);
    expect(on.websocketUpgradeCreatePermission).toEqual({ value: true, evidence: '--feature-gates=KubeletWebsocketUpgradeCreatePermission=true' });
    const fromFile = await facts(['--config=/etc/kubelet/gated.yaml', '--kubeconfig=/k', '--hostname-override=n']);
    expect(fromFile.websocketUpgradeCreatePermission).toEqual({ value: true, evidence: 'featureGates: KubeletWebsocketUpgradeCreatePermission=true (--config /etc/kubelet/gated.yaml)' });
    const overridden = await facts(['--config=/etc/kubelet/gated.yaml', '--kubeconfig=/k', '--hostname-override=n', '--feature-gates=KubeletWebsocketUpgradeCreatePermission=false']);
    expect(overridden.websocketUpgradeCreatePermission.value).toBe(false);
  });

  it('takes the serving certificate from in-process PEM and says so', async () => {
    const result = await readKubelet({ config: { nodeName: 'n', tlsCert: 'PEM', tlsPrivateKey: 'PEM' } }, { readFile, label: 'kubelet 1' });
    expect(result.kind === 'ok' && result.facts.servingCertificate).toEqual({ value: true, evidence: 'tlsCert and tlsPrivateKey (PEM, set in-process)' });
    expect(result.kind === 'ok' && result.facts.readOnlyPort.evidence).toBe('readOnlyPort: 10255 (default of the flags profile)');
  });

  it('reports a bad KubeletConfiguration with its path', async () => {
    files['/etc/kubelet/bad.yaml'] = 'apiVersion: v1\nkind: Pod\n';
    const result = await readKubelet({ argv: ['--config=/etc/kubelet/bad.yaml'] }, { readFile, label: 'kubelet 3' });
    expect(result).toEqual({
      kind: 'error',
      message: 'kubelet 3: failed to load kubelet config file, path: /etc/kubelet/bad.yaml, error: expected apiVersion kubelet.config.k8s.io/v1beta1 and kind KubeletConfiguration, got v1 Pod',
    });
  });

  it('refuses a kubelet that could authenticate nobody, as the kubelet does at startup', async () => {
    expect(await readKubelet({ argv: ['--hostname-override=n', '--anonymous-auth=false'] }, { readFile, label: 'kubelet 2' })).toEqual({
      kind: 'error',
      message: 'kubelet 2: No authentication method configured',
    });
  });
});
