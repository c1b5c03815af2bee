import { describe, expect, it } from 'vitest';
import { envelope, meta, msg, str, bytes } from './hand-wire.ts';
import { decodeProtobufObject, encodeProtobufObject } from './object.ts';

const CERTS = 'certificates.k8s.io/v1';
const REQUEST = Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n');

describe('CertificateSigningRequest protobuf', () => {
  it('decodes the approval kubectl 1.32 PUTs: base64 request, extra, an Approved condition', () => {
    const body = envelope(CERTS, 'CertificateSigningRequest', [
      ...msg(1, meta('node-csr-abc')),
      ...msg(2, [
        ...bytes(1, REQUEST),
        ...str(2, 'system:bootstrap:abcdef'),
        ...str(4, 'system:bootstrappers'),
        ...str(5, 'digital signature'),
        ...str(5, 'client auth'),
        ...str(7, 'kubernetes.io/kube-apiserver-client-kubelet'),
      ]),
      ...msg(3, [...msg(1, [...str(1, 'Approved'), ...str(2, 'KubectlApprove'), ...str(3, 'This CSR was approved by kubectl certificate approve.'), ...str(6, 'True')])]),
    ]);
    expect(decodeProtobufObject(body)).toEqual({
      kind: 'CertificateSigningRequest',
      apiVersion: CERTS,
      metadata: { name: 'node-csr-abc' },
      spec: {
        request: REQUEST.toString('base64'),
        signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
        usages: ['digital signature', 'client auth'],
        username: 'system:bootstrap:abcdef',
        groups: ['system:bootstrappers'],
      },
      status: {
        conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.' }],
      },
    });
  });

  it('round-trips an issued certificate as base64 text', () => {
    const csr = {
      kind: 'CertificateSigningRequest',
      apiVersion: CERTS,
      metadata: { name: 'c' },
      spec: { request: REQUEST.toString('base64'), signerName: 'kubernetes.io/kubelet-serving', expirationSeconds: 3600, usages: ['server auth'], extra: { scopes: ['a', 'b'] } },
      status: { certificate: Buffer.from('cert bytes').toString('base64') },
    };
    expect(decodeProtobufObject(encodeProtobufObject(csr))).toEqual(csr);
  });
});
