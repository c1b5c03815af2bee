import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadKubeletConfigurationFile, overlayFlags, parseKubeletConfiguration } from './kubelet-configuration.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const kubeadmStyle = `
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
    cacheTTL: 0s
  x509:
    clientCAFile: pki/ca.crt
authorization:
  mode: Webhook
address: 127.0.0.1
port: 10350
readOnlyPort: 0
tlsCertFile: /etc/kubelet/serving.crt
tlsPrivateKeyFile: /etc/kubelet/serving.key
podCIDR: 127.244.7.0/24
nodeStatusUpdateFrequency: 20s
streamingConnectionIdleTimeout: 5m0s
serverTLSBootstrap: true
rotateCertificates: true
cgroupDriver: systemd
`;

describe('parseKubeletConfiguration', () => {
  it('maps the fields kubeadm writes and marks the secure defaults', () => {
    const { input, warnings } = parseKubeletConfiguration(kubeadmStyle, { baseDir: '/etc/kubernetes' });
    expect(input).toEqual({
      defaults: 'kubelet-configuration',
      anonymousAuth: false,
      authenticationTokenWebhook: true,
      clientCAFile: '/etc/kubernetes/pki/ca.crt',
      authorizationMode: 'Webhook',
      address: '127.0.0.1',
      port: 10350,
      readOnlyPort: 0,
      tlsCertFile: '/etc/kubelet/serving.crt',
      tlsPrivateKeyFile: '/etc/kubelet/serving.key',
      podCIDR: '127.244.7.0/24',
      nodeStatusUpdateFrequencyMs: 20_000,
      streamingConnectionIdleTimeoutMs: 300_000,
      serverTLSBootstrap: true,
      rotateCertificates: true,
    });
    expect(warnings).toEqual(['kubelet configuration field "cgroupDriver" is not supported by hubspoke and is ignored']);
  });

  it('reads featureGates, and merges --feature-gates into them gate by gate, the flag winning', () => {
    const header = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n';
    const file = parseKubeletConfiguration(`${header}featureGates:\n  KubeletWebsocketUpgradeCreatePermission: true\n  Other: false\n`);
    expect(file).toEqual({ input: { defaults: 'kubelet-configuration', featureGates: { KubeletWebsocketUpgradeCreatePermission: true, Other: false } }, warnings: [] });
    expect(overlayFlags(file.input, { featureGates: { Other: true }, readOnlyPort: 0 })).toEqual({
      defaults: 'kubelet-configuration',
      readOnlyPort: 0,
      featureGates: { KubeletWebsocketUpgradeCreatePermission: true, Other: true },
    });
    expect(overlayFlags({ defaults: 'kubelet-configuration', port: 1 }, { port: 2 })).toEqual({ defaults: 'kubelet-configuration', port: 2 });
    expect(() => parseKubeletConfiguration(`${header}featureGates:\n  Gate: "yes"\n`)).toThrow('featureGates.Gate must be true or false');
  });

  it('rejects another kind and wrongly typed fields', () => {
    expect(() => parseKubeletConfiguration('apiVersion: v1\nkind: ConfigMap\n')).toThrow(/expected apiVersion kubelet.config.k8s.io\/v1beta1/);
    expect(() =>
      parseKubeletConfiguration('apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nport: "10250"\n'),
    ).toThrow('port must be an integer');
    expect(() =>
      parseKubeletConfiguration('apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nnodeStatusUpdateFrequency: 10\n'),
    ).toThrow('nodeStatusUpdateFrequency must be a string');
  });
});

describe('loadKubeletConfigurationFile', () => {
  it('resolves relative paths against the file and names the file in errors', async () => {
    const file = path.join(dir, 'config.yaml');
    await writeFile(file, kubeadmStyle);
    const { input } = await loadKubeletConfigurationFile(file);
    expect(input.clientCAFile).toBe(path.join(dir, 'pki/ca.crt'));
    await expect(loadKubeletConfigurationFile(path.join(dir, 'missing.yaml'))).rejects.toThrow(
      `failed to load kubelet config file, path: ${path.join(dir, 'missing.yaml')}`,
    );
  });
});
