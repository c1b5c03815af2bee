import { describe, it, expect } from 'vitest';
import { egressModeOf } from './egress-mode.ts';

const config = (selections: string) => `apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
${selections}`;

describe('egressModeOf', () => {
  it('is direct without an egress configuration or SSH user', () => {
    expect(egressModeOf({})).toMatchObject({ kind: 'ok', mode: 'direct' });
  });

  it('is konnectivity when the cluster selection goes through an HTTP CONNECT proxy', () => {
    const text = config('- name: cluster\n  connection:\n    proxyProtocol: HTTPConnect\n    transport:\n      uds:\n        udsName: /run/konnectivity.sock\n');
    expect(egressModeOf({ egressSelectorConfig: text })).toEqual({ kind: 'ok', mode: 'konnectivity', detail: 'egress selection cluster: HTTPConnect' });
  });

  it('is direct when the cluster selection says Direct or only other selections proxy', () => {
    expect(egressModeOf({ egressSelectorConfig: config('- name: cluster\n  connection:\n    proxyProtocol: Direct\n') })).toMatchObject({ mode: 'direct' });
    const etcdOnly = config('- name: etcd\n  connection:\n    proxyProtocol: HTTPConnect\n    transport:\n      uds:\n        udsName: /s\n');
    expect(egressModeOf({ egressSelectorConfig: etcdOnly })).toEqual({ kind: 'ok', mode: 'direct', detail: 'the egress selector configuration has no cluster selection' });
  });

  it('is ssh with an SSH user, and refuses SSH together with an egress configuration, as the apiserver does', () => {
    expect(egressModeOf({ sshUser: 'kube-apiserver' })).toMatchObject({ kind: 'ok', mode: 'ssh' });
    expect(egressModeOf({ sshUser: 'kube-apiserver', egressSelectorConfig: config('[]') })).toEqual({
      kind: 'error',
      message: '--ssh-user and --egress-selector-config-file cannot be used together',
    });
  });

  it('rejects a file that is not an EgressSelectorConfiguration', () => {
    expect(egressModeOf({ egressSelectorConfig: 'apiVersion: v1\nkind: ConfigMap\n' })).toMatchObject({ kind: 'error' });
    expect(egressModeOf({ egressSelectorConfig: config('- name: cluster\n  connection:\n    proxyProtocol: Carrier\n') })).toEqual({
      kind: 'error',
      message: 'invalid egress selector configuration: service.connection.protocol: Unsupported value: "Carrier": supported values: "Direct", "HTTPConnect", "GRPC"',
    });
  });
});
