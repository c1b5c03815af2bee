import { beforeAll, describe, expect, it } from 'vitest';
import { createCsr } from '@hubspoke/pki';
import { attributes, contextOf, verdict } from '../test-support.ts';
import { certificateSubjectRestriction } from './certificate-subject-restriction.ts';

const CSRS = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' };
let masters = '';
let developers = '';
beforeAll(async () => {
  masters = Buffer.from((await createCsr({ commonName: 'mallory', organizations: ['system:masters'] })).csr).toString('base64');
  developers = Buffer.from((await createCsr({ commonName: 'dana', organizations: ['developers'] })).csr).toString('base64');
});
const create = (signerName: string, request: string) =>
  verdict(
    certificateSubjectRestriction.validate!(
      attributes({ operation: 'CREATE', resource: CSRS, name: 'csr-1', object: { metadata: { name: 'csr-1' }, spec: { signerName, request } } }),
      contextOf({}),
    ),
  );

describe('CertificateSubjectRestriction', () => {
  it('refuses system:masters from the kube-apiserver-client signer', async () => {
    expect(await create('kubernetes.io/kube-apiserver-client', masters)).toEqual({
      code: 403,
      message: 'certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed',
    });
  });

  it('admits other groups, and system:masters from other signers', async () => {
    expect(await create('kubernetes.io/kube-apiserver-client', developers)).toBeUndefined();
    expect(await create('example.com/issuer', masters)).toBeUndefined();
  });

  it('refuses an unreadable request for that signer', async () => {
    expect((await create('kubernetes.io/kube-apiserver-client', Buffer.from('junk').toString('base64')))?.message).toBe(
      'certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: failed to parse CSR: PEM block type must be CERTIFICATE REQUEST',
    );
  });
});
