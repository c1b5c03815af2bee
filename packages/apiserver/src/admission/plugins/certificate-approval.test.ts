import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { alice, attributes, contextOf, verdict } from '../test-support.ts';
import { certificateApproval } from './certificate-approval.ts';

const CSRS = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' };
const csr = (signerName: string, conditions: unknown[] = []): KubeObject => ({ metadata: { name: 'csr-1' }, spec: { signerName }, status: { conditions } });
const approve = (before: KubeObject, after: KubeObject, subresource = 'approval') =>
  attributes({ operation: 'UPDATE', resource: CSRS, subresource, name: 'csr-1', object: after, oldObject: before, user: alice });
const approved = [{ type: 'Approved', status: 'True' }];

describe('CertificateApproval', () => {
  it('asks for approve on the signer, then on its domain, as the requesting user', async () => {
    const ctx = contextOf({}, (a) => a.verb === 'approve' && a.name === 'example.com/*');
    expect(await certificateApproval.validate!(approve(csr('example.com/issuer'), csr('example.com/issuer', approved)), ctx)).toBeUndefined();
    expect(ctx.asked).toEqual([
      { user: alice, verb: 'approve', isResourceRequest: true, apiGroup: 'certificates.k8s.io', resource: 'signers', name: 'example.com/issuer' },
      { user: alice, verb: 'approve', isResourceRequest: true, apiGroup: 'certificates.k8s.io', resource: 'signers', name: 'example.com/*' },
    ]);
  });

  it('refuses a user without approve on the stored signer, with Kubernetes\' text', async () => {
    const ctx = contextOf({}, (a) => a.name === 'example.com/other');
    // The stored signerName counts, not the one the request tries to switch to.
    const attrs = approve(csr('kubernetes.io/kube-apiserver-client'), csr('example.com/other', approved));
    expect(await verdict(certificateApproval.validate!(attrs, ctx))).toEqual({
      code: 403,
      message: 'certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: user not permitted to approve requests with signerName "kubernetes.io/kube-apiserver-client"',
    });
  });

  it('looks only at updates of the approval subresource', async () => {
    const ctx = contextOf({});
    expect(await certificateApproval.validate!(approve(csr('x.io/y'), csr('x.io/y', approved), 'status'), ctx)).toBeUndefined();
    expect(await certificateApproval.validate!(approve(csr('x.io/y'), csr('x.io/y'), ''), ctx)).toBeUndefined();
    expect(ctx.asked).toEqual([]);
    expect(certificateApproval.operations).toEqual(['UPDATE']);
  });
});
