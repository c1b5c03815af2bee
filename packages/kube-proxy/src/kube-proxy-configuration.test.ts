import { describe, expect, it } from 'vitest';
import { parseKubeProxyConfiguration } from './kube-proxy-configuration.ts';

describe('parseKubeProxyConfiguration', () => {
  it('reads the fields hubspoke uses', () => {
    const { config, warnings } = parseKubeProxyConfiguration(
      [
        'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
        'kind: KubeProxyConfiguration',
        'clientConnection:',
        '  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf',
        'bindAddress: 127.0.0.1',
        'hostnameOverride: node-1',
        'mode: userspace',
        'healthzBindAddress: 127.0.0.1:10256',
        'metricsBindAddress: ""',
      ].join('\n'),
    );
    expect(config).toEqual({
      kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf',
      bindAddress: '127.0.0.1',
      hostnameOverride: 'node-1',
      mode: 'userspace',
      healthzBindAddress: '127.0.0.1:10256',
      metricsBindAddress: '',
    });
    expect(warnings).toEqual([]);
  });

  it('names the settings it ignores in one warning', () => {
    const { warnings } = parseKubeProxyConfiguration(
      ['apiVersion: kubeproxy.config.k8s.io/v1alpha1', 'kind: KubeProxyConfiguration', 'clientConnection:', '  qps: 5', 'iptables:', '  masqueradeAll: false', 'conntrack: {}'].join('\n'),
    );
    expect(warnings).toEqual(["KubeProxyConfiguration fields not used by hubspoke's user-space kube-proxy: clientConnection.qps, iptables, conntrack"]);
  });

  it('refuses another kind or version, and text that is not YAML', () => {
    expect(() => parseKubeProxyConfiguration('apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n')).toThrow(
      'failed to decode: no kind "KubeletConfiguration" is registered for version "kubelet.config.k8s.io/v1beta1"',
    );
    expect(() => parseKubeProxyConfiguration('mode: userspace\n')).toThrow("failed to decode: Object 'Kind' is missing in configuration");
    expect(() => parseKubeProxyConfiguration('kind: [unclosed\n')).toThrow(/^failed to decode: /);
    expect(() => parseKubeProxyConfiguration('apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: 3\n')).toThrow('failed to decode: mode: expected a string, got 3');
  });
});
