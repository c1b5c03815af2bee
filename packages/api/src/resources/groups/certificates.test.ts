import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../meta.ts';
import { certificatesigningrequests, csrCondition, validateCertificateSigningRequest } from './certificates.ts';

const now = new Date('2025-06-01T12:00:00Z');
const pem = '-----BEGIN CERTIFICATE REQUEST-----\nMIIBCzCBsgIBADBQ\n-----END CERTIFICATE REQUEST-----\n';

function csr(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name: 'node-csr-abc', creationTimestamp: '2025-06-01T11:59:00Z' },
    spec: {
      request: Buffer.from(pem).toString('base64'),
      signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
      usages: ['digital signature', 'client auth'],
      username: 'system:bootstrap:abcdef',
      ...spec,
    },
    status,
  };
}

function messages(errs: { field: string; message: string }[]): string[] {
  return errs.map((e) => `${e.field}: ${e.message}`);
}

describe('certificatesigningrequests', () => {
  it('accepts a kubelet client CSR', () => {
    expect(certificatesigningrequests.validate!(csr({}))).toEqual([]);
  });

  it('requires a PEM request, usages and a signerName, with Kubernetes\' messages', () => {
    expect(messages(certificatesigningrequests.validate!(csr({ request: '', usages: [], signerName: '' })))).toEqual([
      'spec.request: Invalid value: []byte(nil): PEM block type must be CERTIFICATE REQUEST',
      'spec.usages: Required value: usages must be provided',
      'spec.signerName: Required value: signerName must be provided',
    ]);
    expect(messages(certificatesigningrequests.validate!(csr({ signerName: 'no-slash', usages: ['flying'] })))).toEqual([
      expect.stringMatching(/^spec\.usages\[0\]: Unsupported value: "flying": supported values: "any", "cert sign"/),
      "spec.signerName: Invalid value: \"no-slash\": must be a fully qualified domain and path of the form 'example.com/signer-name'",
    ]);
  });

  it('allows approval only through the approval subresource and a certificate only through status', () => {
    const pending = csr({});
    const approved = csr({}, { conditions: [{ type: 'Approved', status: 'True', reason: 'AutoApproved' }] });
    expect(messages(validateCertificateSigningRequest(approved, pending))).toEqual([
      'status.conditions: Forbidden: updates may not add a condition of type "Approved"',
    ]);
    expect(validateCertificateSigningRequest(approved, pending, { approval: true })).toEqual([]);
    const issued = csr({}, { ...approved.status as object, certificate: 'Y2VydA==' });
    expect(messages(validateCertificateSigningRequest(issued, approved))).toEqual([
      'status.certificate: Forbidden: updates may not set certificate content',
    ]);
    expect(validateCertificateSigningRequest(issued, approved, { certificate: true })).toEqual([]);
  });

  it('prints signer, requestor, duration and condition', () => {
    const issued = csr({ expirationSeconds: 86400 }, { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'Y2VydA==' });
    expect(certificatesigningrequests.table!.cells(issued, now)).toEqual([
      'node-csr-abc', '60s', 'kubernetes.io/kube-apiserver-client-kubelet', 'system:bootstrap:abcdef', '24h', 'Approved,Issued',
    ]);
    expect(csrCondition(csr({}))).toBe('Pending');
    expect(csrCondition(csr({}, { conditions: [{ type: 'Denied', status: 'True' }, { type: 'Failed', status: 'True' }] }))).toBe('Denied,Failed');
    expect(certificatesigningrequests.fields!(issued)).toEqual({ 'spec.signerName': 'kubernetes.io/kube-apiserver-client-kubelet' });
  });
});
