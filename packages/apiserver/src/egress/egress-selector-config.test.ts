import { describe, expect, it } from 'vitest';
import { clusterSelection, readEgressSelectorConfiguration } from './egress-selector-config.ts';

const existing = new Set(['/pki/ca.crt', '/pki/client.crt', '/pki/client.key']);
const exists = (path: string): boolean => existing.has(path);

function file(apiVersion: string, selections: string): string {
  return `apiVersion: ${apiVersion}\nkind: EgressSelectorConfiguration\negressSelections:\n${selections}`;
}

function problems(selections: string): string[] {
  const result = readEgressSelectorConfiguration(file('apiserver.k8s.io/v1beta1', selections), exists);
  return result.kind === 'invalid' ? result.problems : [];
}

const TCP = `- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport:
      tcp:
        url: https://127.0.0.1:8131
        tlsConfig: {caBundle: /pki/ca.crt, clientKey: /pki/client.key, clientCert: /pki/client.crt}
`;

describe('EgressSelectorConfiguration', () => {
  it('reads a v1beta1 cluster selection over TCP with TLS, and a v1 one over a Unix socket', () => {
    const tcp = readEgressSelectorConfiguration(file('apiserver.k8s.io/v1beta1', TCP), exists);
    expect(tcp.kind === 'ok' && clusterSelection(tcp.config)?.connection.transport?.tcp?.url).toBe('https://127.0.0.1:8131');
    const uds = readEgressSelectorConfiguration(
      file('apiserver.k8s.io/v1', '- name: cluster\n  connection:\n    proxyProtocol: HTTPConnect\n    transport:\n      uds: {udsName: /etc/kubernetes/konnectivity-server/konnectivity-server.socket}\n- name: etcd\n  connection: {proxyProtocol: Direct}\n'),
      exists,
    );
    expect(uds.kind === 'ok' && clusterSelection(uds.config)?.connection.transport?.uds?.udsName).toBe('/etc/kubernetes/konnectivity-server/konnectivity-server.socket');
  });

  it('refuses other kinds and versions', () => {
    expect(readEgressSelectorConfiguration('apiVersion: apiserver.k8s.io/v2\nkind: EgressSelectorConfiguration\n').kind).toBe('invalid');
    expect(readEgressSelectorConfiguration('apiVersion: apiserver.k8s.io/v1\nkind: AdmissionConfiguration\n').kind).toBe('invalid');
  });

  it("says clearly that GRPC is not supported by hubspoke", () => {
    expect(problems('- name: cluster\n  connection:\n    proxyProtocol: GRPC\n    transport: {uds: {udsName: /s.sock}}\n')).toEqual([
      'service.connection.protocol: Unsupported value: "GRPC": hubspoke supports "HTTPConnect" and "Direct" only (GRPC needs konnectivity-client, which hubspoke does not implement)',
    ]);
  });

  it("rejects unknown names, duplicates and protocols with Kubernetes' texts", () => {
    expect(problems('- name: nodes\n  connection: {proxyProtocol: Direct}\n')).toEqual([
      'service.connection: Unsupported value: "nodes": supported values: "cluster", "controlplane", "etcd"',
    ]);
    expect(problems('- name: cluster\n  connection: {proxyProtocol: Direct}\n- name: Cluster\n  connection: {proxyProtocol: Direct}\n')).toEqual([
      'service.connection[1]: Duplicate value: "cluster"',
    ]);
    expect(problems('- name: cluster\n  connection: {proxyProtocol: SOCKS5}\n')).toEqual([
      'service.connection.protocol: Unsupported value: "SOCKS5": supported values: "Direct", "HTTPConnect", "GRPC"',
    ]);
  });

  it('wants exactly one transport for HTTPConnect, and none for Direct', () => {
    expect(problems('- name: cluster\n  connection: {proxyProtocol: HTTPConnect}\n')).toEqual([
      'service.connection.transport: Required value: transport must be set for HTTPConnect',
    ]);
    expect(problems('- name: cluster\n  connection:\n    proxyProtocol: HTTPConnect\n    transport: {}\n')).toEqual([
      'service.connection.tcp: Required value: One of TCP or UDS must be set',
    ]);
    expect(problems('- name: cluster\n  connection:\n    proxyProtocol: HTTPConnect\n    transport: {tcp: {url: "http://p:8131"}, uds: {udsName: /s.sock}}\n')).toEqual([
      'service.connection.tcp: Invalid value: {"url":"http://p:8131"}: TCP and UDS cannot both be set',
    ]);
    expect(problems('- name: cluster\n  connection:\n    proxyProtocol: Direct\n    transport: {uds: {udsName: /s.sock}}\n')).toEqual([
      'service.connection.transport: Invalid value: "direct": config must be absent for direct connect',
    ]);
  });

  it('checks the TCP URL and the TLS files as Kubernetes does', () => {
    expect(problems('- name: cluster\n  connection:\n    proxyProtocol: HTTPConnect\n    transport: {tcp: {url: "tcp://p:8131"}}\n')).toEqual([
      'service.connection.url: Invalid value: "tcp://p:8131": supported connection protocols are http:// and https://',
    ]);
    expect(problems('- name: cluster\n  connection:\n    proxyProtocol: HTTPConnect\n    transport: {tcp: {url: "https://p:8131"}}\n')).toEqual([
      'service.connection.tlsConfig: Required value: TLSConfig must be present when using HTTPS',
    ]);
    expect(problems(TCP.replace('/pki/ca.crt', '/pki/gone.crt').replace('clientKey: /pki/client.key, ', ''))).toEqual([
      'service.connection.tlsConfig.caBundle: Invalid value: "/pki/gone.crt": TLS config ca bundle does not exist',
      'service.connection.tlsConfig.clientKey: Invalid value: "nil": Using TLS requires requires clientKey',
    ]);
    expect(problems('- name: cluster\n  connection:\n    proxyProtocol: HTTPConnect\n    transport: {uds: {udsName: ""}}\n')).toEqual([
      'service.connection.udsName: Invalid value: "nil": must be present for UDS connections',
    ]);
  });
});
