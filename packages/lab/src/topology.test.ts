import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { buildTopology, type TopologyInput } from './topology.ts';

const node = (name: string, ip: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: { addresses: [{ type: 'InternalIP', address: ip }], conditions: [{ type: 'Ready', status: 'True' }] },
});
const pod = (name: string, nodeName: string, ip: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName },
  status: { podIP: ip, phase: 'Running' },
});

/** Two nodes as `hubspoke up` starts them with the document's defaults. */
function defaults(over: Partial<TopologyInput> = {}): TopologyInput {
  return {
    profile: 'kubernetes-defaults',
    apiserver: { url: 'https://127.0.0.1:6443', anonymousAuth: true, authorizationModes: ['Node', 'RBAC'], kubeletCertificateAuthority: false, kubeletClientCertificate: true, sshKnownHosts: false },
    kubelets: [
      { nodeName: 'node-1', address: '127.0.10.1', port: 10250, readOnlyPort: 0, anonymousAuth: false, authorizationMode: 'Webhook', servingCert: 'self-signed' },
      { nodeName: 'node-2', address: '127.0.10.2', port: 10250, readOnlyPort: 10255, anonymousAuth: true, authorizationMode: 'AlwaysAllow', servingCert: 'self-signed' },
    ],
    nodes: [node('node-1', '127.0.10.1'), node('node-2', '127.0.10.2')],
    pods: [pod('web', 'node-1', '127.244.1.2'), pod('logger', 'node-1', '127.244.1.3'), pod('shell', 'node-2', '127.244.2.2')],
    kubernetesService: '127.96.0.1:443',
    egress: { kind: 'direct' },
    bytes: { '127.0.10.1': { sent: 100, received: 2000 }, '127.244.1.2': { sent: 10, received: 20 }, '127.244.1.3': { sent: 1, received: 2 } },
    ...over,
  };
}

const edge = (t: ReturnType<typeof buildTopology>, id: string) => t.edges.find((e) => e.id === id)!;

describe('buildTopology', () => {
  it('draws the document defaults: kubelets unverified (C9), the pod proxy in plain HTTP (C11), nodes and pods verified', () => {
    const t = buildTopology(defaults());
    expect(t.nodes.map((n) => [n.name, n.pods.map((p) => p.name)])).toEqual([['node-1', ['logger', 'web']], ['node-2', ['shell']]]);
    expect(edge(t, 'kubelet-api:node-1')).toMatchObject({
      from: 'apiserver', to: 'node:node-1', protocol: 'HTTPS', encryption: 'TLS', serverVerification: 'unverified',
      clientAuthentication: 'client cert', authorization: 'Webhook', claim: 'C9', bytes: { sent: 100, received: 2000 },
    });
    expect(edge(t, 'kubelet-api:node-2')).toMatchObject({ authorization: 'AlwaysAllow (anonymous allowed)', bytes: { sent: 0, received: 0 } });
    expect(edge(t, 'node-to-apiserver:node-1')).toMatchObject({ serverVerification: 'verified', clientAuthentication: 'client cert', authorization: 'Node,RBAC', claim: 'C2' });
    expect(edge(t, 'pod-to-apiserver:node-2')).toMatchObject({ clientAuthentication: 'SA token', claim: 'C5' });
    expect(edge(t, 'pod-to-apiserver:node-2').title).toContain('127.96.0.1:443');
    // The proxy edge sums what went to each of the node's pods.
    expect(edge(t, 'pod-proxy:node-1')).toMatchObject({ protocol: 'HTTP', encryption: 'none', serverVerification: 'n/a', claim: 'C11', bytes: { sent: 11, received: 22 } });
    expect(t.edges.some((e) => e.kind.startsWith('konnectivity') || e.kind === 'ssh-tunnel')).toBe(false);
  });

  it('marks the kubelet path verified (C10) with --kubelet-certificate-authority, and says when a self-signed kubelet is refused', () => {
    const verifying = defaults({ apiserver: { ...defaults().apiserver, kubeletCertificateAuthority: true } });
    verifying.kubelets = [{ ...verifying.kubelets[0], servingCert: 'cluster-ca' }, verifying.kubelets[1]];
    const t = buildTopology(verifying);
    expect(edge(t, 'kubelet-api:node-1')).toMatchObject({ serverVerification: 'verified', claim: 'C10', note: undefined });
    expect(edge(t, 'kubelet-api:node-2').note).toBe('the apiserver refuses the certificate the kubelet shows (self-signed)');
  });

  it('routes the victim node through the attacker, which reads everything until the apiserver verifies', () => {
    const attacker = { kind: 'mitm' as const, address: '127.0.66.1', port: 10250, victim: 'node-1', captures: 2, refused: 0 };
    const input = defaults({ attacker, nodes: [node('node-1', '127.0.66.1'), node('node-2', '127.0.10.2')], bytes: { '127.0.66.1': { sent: 5, received: 6 } } });
    const t = buildTopology(input);
    expect(t.attacker).toMatchObject({ id: 'attacker', address: '127.0.66.1', captures: 2 });
    expect(t.nodes[0]).toMatchObject({ address: '127.0.10.1', advertisedAddress: '127.0.66.1' });
    expect(edge(t, 'kubelet-api:node-1')).toMatchObject({ via: 'attacker', bytes: { sent: 5, received: 6 }, note: "127.0.66.1 is the attacker's: it reads and relays everything" });
    expect(edge(t, 'kubelet-api:node-2').via).toBeUndefined();
    const verified = buildTopology({ ...input, apiserver: { ...input.apiserver, kubeletCertificateAuthority: true } });
    expect(edge(verified, 'kubelet-api:node-1').note).toBe('the apiserver refuses the certificate the attacker shows (the attacker learns nothing)');
  });

  it('adds the Konnectivity socket and each agent’s tunnel, and sends kubelet and proxy traffic through the server', () => {
    const t = buildTopology(defaults({
      egress: { kind: 'konnectivity', udsName: '/lab/konnectivity-server.socket', agentPort: 8132, agents: [{ node: 'node-1', connected: true, openConnections: 1 }, { node: 'node-2', connected: false, openConnections: 0 }] },
    }));
    expect(edge(t, 'konnectivity-uds')).toMatchObject({ from: 'apiserver', to: 'konnectivity-server', protocol: 'HTTP CONNECT', claim: 'C14' });
    expect(edge(t, 'konnectivity-tunnel:node-1')).toMatchObject({ from: 'node:node-1', encryption: 'TLS', clientAuthentication: 'client cert', note: 'connected, 1 relayed connection' });
    expect(edge(t, 'konnectivity-tunnel:node-2').note).toBe('NOT connected');
    expect(edge(t, 'kubelet-api:node-1').via).toBe('konnectivity-server');
    expect(edge(t, 'pod-proxy:node-1').via).toBe('konnectivity-server');
  });

  it('shows SSH tunnels with host keys unchecked unless known hosts are given (C13)', () => {
    const ssh = { kind: 'ssh' as const, port: 2222, daemons: [{ node: 'node-1', address: '127.0.10.1', connections: 1 }, { node: 'node-2', address: '127.0.10.2', connections: 0 }] };
    const t = buildTopology(defaults({ egress: ssh }));
    expect(edge(t, 'ssh-tunnel:node-1')).toMatchObject({ protocol: 'SSH', serverVerification: 'unverified', clientAuthentication: 'public key', claim: 'C13', note: 'sshd 127.0.10.1:2222, 1 connection' });
    expect(edge(t, 'kubelet-api:node-2').via).toBe('sshd:node-2');
    const pinned = buildTopology(defaults({ egress: ssh, apiserver: { ...defaults().apiserver, sshKnownHosts: true } }));
    expect(edge(pinned, 'ssh-tunnel:node-1').serverVerification).toBe('verified');
  });
  it('marks what the snapshot cannot see as unknown, never as zero or disconnected, and says so in one list', () => {
    const t = buildTopology(defaults({
      bytes: undefined,
      egress: { kind: 'konnectivity', udsName: '/etc/kubernetes/konnectivity-server/konnectivity-server.socket', agentPort: 8132, agents: [{ node: 'node-1' }] },
    }));
    expect(edge(t, 'kubelet-api:node-1')).toMatchObject({ bytesUnknown: true });
    expect(edge(t, 'kubelet-api:node-1').bytes).toBeUndefined();
    expect(edge(t, 'pod-proxy:node-1')).toMatchObject({ bytesUnknown: true });
    expect(edge(t, 'pod-proxy:node-1').bytes).toBeUndefined();
    expect(edge(t, 'konnectivity-tunnel:node-1').note).toBe('agent configured; whether it is connected is unknown');
    expect(edge(t, 'konnectivity-tunnel:node-2').note).toBe('no agent');
    expect(t.unknown).toEqual(["the apiserver's egress byte counters", 'whether each konnectivity-agent is connected']);

    const ssh = buildTopology(defaults({ egress: { kind: 'ssh', port: 22, daemons: [{ node: 'node-1', address: '172.28.0.11' }] } }));
    expect(edge(ssh, 'ssh-tunnel:node-1').note).toBe('sshd 172.28.0.11:22, connections unknown');
    expect(ssh.unknown).toEqual(["the SSH tunnels' connections"]);
    // A snapshot that sees everything has nothing unknown.
    expect(buildTopology(defaults()).unknown).toBeUndefined();
    expect(edge(buildTopology(defaults()), 'kubelet-api:node-1').bytesUnknown).toBeUndefined();
  });
});
