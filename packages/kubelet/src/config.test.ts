import { describe, expect, it } from 'vitest';
import { KubeletConfigError, resolveKubeletConfig } from './config.ts';

describe('resolveKubeletConfig', () => {
  it('gives flags alone the legacy defaults: anonymous, AlwaysAllow, read-only port 10255', () => {
    const c = resolveKubeletConfig({ nodeName: 'n1', nodeIP: '10.0.0.1' });
    expect(c).toMatchObject({
      anonymousAuth: true,
      authenticationTokenWebhook: false,
      authorizationMode: 'AlwaysAllow',
      readOnlyPort: 10255,
      port: 10250,
      address: '0.0.0.0',
      rootDir: '/var/lib/kubelet',
      certDir: '/var/lib/kubelet/pki',
      nodeStatusUpdateFrequencyMs: 10_000,
      nodeLeaseDurationSeconds: 40,
      leaseRenewIntervalMs: 10_000,
      streamingConnectionIdleTimeoutMs: 4 * 3_600_000,
      crashLoopBackoff: { initialMs: 10_000, maxMs: 300_000 },
    });
  });

  it('gives a KubeletConfiguration the secure defaults: no anonymous, webhook, no read-only port', () => {
    const c = resolveKubeletConfig({ defaults: 'kubelet-configuration', nodeName: 'n1', nodeIP: '10.0.0.1', kubeconfig: '/k' });
    expect(c).toMatchObject({ anonymousAuth: false, authenticationTokenWebhook: true, authorizationMode: 'Webhook', readOnlyPort: 0 });
  });

  it('lets explicit values win over either profile', () => {
    const c = resolveKubeletConfig({ defaults: 'kubelet-configuration', nodeIP: '10.0.0.1', anonymousAuth: true, authorizationMode: 'AlwaysAllow', authenticationTokenWebhook: false, readOnlyPort: 10255 });
    expect(c).toMatchObject({ anonymousAuth: true, authorizationMode: 'AlwaysAllow', readOnlyPort: 10255 });
  });

  it('lower-cases the node name and derives the cert dir from the root dir', () => {
    const c = resolveKubeletConfig({ nodeName: 'Node-A', nodeIP: '10.0.0.1', rootDir: '/tmp/k' });
    expect(c.nodeName).toBe('node-a');
    expect(c.certDir).toBe('/tmp/k/pki');
  });

  it('knows its feature gates, off by default, and names an unknown one', () => {
    expect(resolveKubeletConfig({}).featureGates).toEqual({ KubeletWebsocketUpgradeCreatePermission: false });
    expect(resolveKubeletConfig({ featureGates: { KubeletWebsocketUpgradeCreatePermission: true } }).featureGates.KubeletWebsocketUpgradeCreatePermission).toBe(true);
    expect(() => resolveKubeletConfig({ featureGates: { KubeletFineGrainedAuthz: true } })).toThrow('invalid configuration: unrecognized feature gate: KubeletFineGrainedAuthz');
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      resolveKubeletConfig({
        nodeName: 'bad_name',
        nodeIP: 'not-an-ip',
        port: 70000,
        podCIDR: '10.0.0.0',
        authorizationMode: 'Webhook',
        tlsCertFile: '/c.crt',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(KubeletConfigError);
    const problems = (error as KubeletConfigError).problems;
    expect(problems).toEqual([
      'port (--port) 70000 must be between 0 and 65535, inclusive',
      'node name (--hostname-override) "bad_name" must be a lowercase RFC 1123 subdomain',
      'node IP (--node-ip) "not-an-ip" is not a valid IP address',
      'authorization mode Webhook needs a kubeconfig to send SubjectAccessReviews',
      '--tls-cert-file and --tls-private-key-file must be given together',
      'pod CIDR (--pod-cidr) "10.0.0.0" is not an IPv4 CIDR such as 10.244.1.0/24',
    ]);
    expect((error as Error).message).toMatch(/^invalid configuration: port \(--port\) 70000/);
  });
});
