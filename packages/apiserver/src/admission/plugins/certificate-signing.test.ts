import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { alice, attributes, contextOf, verdict } from '../test-support.ts';
import { certificateSigning } from './certificate-signing.ts';

const CSRS = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' };
const csr = (status: Record<string, unknown>): KubeObject => ({ metadata: { name: 'csr-1' }, spec: { signerName: 'example.com/issuer' }, status });
const update = (before: KubeObject, after: KubeObject, subresource = 'status') =>
  attributes({ operation: 'UPDATE', resource: CSRS, subresource, name: 'csr-1', object: after, oldObject: before, user: alice });
const pending = csr({ conditions: [{ type: 'Approved', status: 'True' }] });
const issued = csr({ conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' });

describe('CertificateSigning', () => {
  it('lets a user with sign on the signer issue the certificate', async () => {
    const ctx = contextOf({}, (a) => a.verb === 'sign' && a.resource === 'signers' && a.name === 'example.com/issuer');
    expect(await certificateSigning.validate!(update(pending, issued), ctx)).toBeUndefined();
  });

  it('refuses a status update that sets the certificate or changes conditions without sign', async () => {
    const ctx = contextOf({});
    const expected = {
      code: 403,
      message: 'certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: user not permitted to sign requests with signerName "example.com/issuer"',
    };
    expect(await verdict(certificateSigning.validate!(update(pending, issued), ctx))).toEqual(expected);
    const failed = csr({ conditions: [{ type: 'Approved', status: 'True' }, { type: 'Failed', status: 'True' }] });
    expect(await verdict(certificateSigning.validate!(update(pending, failed), ctx))).toEqual(expected);
  });

  it('asks nothing when neither certificate nor conditions change, nor outside the status subresource', async () => {
    const ctx = contextOf({});
    expect(await certificateSigning.validate!(update(pending, pending), ctx)).toBeUndefined();
    expect(await certificateSigning.validate!(update(pending, issued, 'approval'), ctx)).toBeUndefined();
    expect(ctx.asked).toEqual([]);
  });
});
