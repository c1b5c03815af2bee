import { createCsr, parseCsr, type CsrInfo } from '@hubspoke/pki';
import { describe, expect, it } from 'vitest';
import { ruleFor, validateApiserverClientRequest, validateKubeletClientRequest, validateKubeletServingRequest } from './csr-rules.ts';

const info = async (options: Parameters<typeof createCsr>[0]): Promise<CsrInfo> => parseCsr((await createCsr(options)).csr);
const NODE = { commonName: 'system:node:node-1', organizations: ['system:nodes'] };

describe('kubernetes.io signer rules', () => {
  it('accepts kubelet client requests with or without key encipherment, in any order', async () => {
    const request = await info(NODE);
    expect(validateKubeletClientRequest(request, ['client auth', 'digital signature'])).toEqual({ ok: true });
    expect(validateKubeletClientRequest(request, ['key encipherment', 'client auth', 'digital signature', 'client auth'])).toEqual({ ok: true });
  });

  it('refuses kubelet client requests that are not a node identity, in Kubernetes\' words', async () => {
    const usages = ['digital signature', 'client auth'];
    expect(validateKubeletClientRequest(await info({ commonName: 'system:node:n', organizations: ['system:nodes', 'x'] }), usages)).toEqual({
      ok: false,
      message: 'subject organization is not system:nodes',
    });
    expect(validateKubeletClientRequest(await info({ ...NODE, dnsNames: ['n'] }), usages)).toMatchObject({ message: 'DNS subjectAltNames are not allowed' });
    expect(validateKubeletClientRequest(await info({ ...NODE, ipAddresses: ['10.0.0.1'] }), usages)).toMatchObject({ message: 'IP subjectAltNames are not allowed' });
    expect(validateKubeletClientRequest(await info({ commonName: 'alice', organizations: ['system:nodes'] }), usages)).toMatchObject({
      message: 'subject common name does not begin with system:node:',
    });
  });

  it('checks kubelet serving usages before the common name, as Kubernetes does', async () => {
    const stranger = await info({ commonName: 'alice', organizations: ['system:nodes'], dnsNames: ['a'] });
    expect(validateKubeletServingRequest(stranger, ['client auth'])).toMatchObject({ message: 'usages did not match [digital signature key encipherment server auth]' });
    expect(validateKubeletServingRequest(stranger, ['digital signature', 'server auth'])).toMatchObject({
      message: 'subject common name does not begin with system:node:',
    });
    expect(validateKubeletServingRequest(await info({ ...NODE, ipAddresses: ['10.0.0.1'] }), ['digital signature', 'server auth'])).toEqual({ ok: true });
  });

  it('requires client auth and nothing beyond signing usages for kube-apiserver-client', async () => {
    const request = await info({ commonName: 'alice' });
    expect(validateApiserverClientRequest(request, ['client auth'])).toEqual({ ok: true });
    expect(validateApiserverClientRequest(request, ['digital signature'])).toMatchObject({ message: 'missing required usage for client certificate: client auth' });
  });

  it('knows only the three built-in signers it serves', () => {
    expect(ruleFor('kubernetes.io/kube-apiserver-client-kubelet')).toBe(validateKubeletClientRequest);
    expect(ruleFor('kubernetes.io/kubelet-serving')).toBe(validateKubeletServingRequest);
    expect(ruleFor('kubernetes.io/kube-apiserver-client')).toBe(validateApiserverClientRequest);
    expect(ruleFor('example.com/custom')).toBeUndefined();
  });
});
