import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import type { UserInfo } from '@hubspoke/auth';
import { createCsr } from '@hubspoke/pki';
import { createObject, updateObject } from '../write.ts';
import { definition, recordingContext, targetFor } from '../test-support.ts';

const kubelet: UserInfo = { name: 'system:bootstrap:abcdef', uid: 'u-1', groups: ['system:bootstrappers', 'system:authenticated'], extra: { scope: ['a'] } };
const admin: UserInfo = { name: 'admin', groups: ['system:masters'] };
let request = '';
beforeAll(async () => {
  request = Buffer.from((await createCsr({ commonName: 'system:node:node-1', organizations: ['system:nodes'] })).csr).toString('base64');
});

async function setUp() {
  const ctx = recordingContext();
  const def = definition(ctx, 'certificates.k8s.io', 'certificatesigningrequests');
  const created = await createObject(
    ctx,
    targetFor(def, kubelet),
    {
      metadata: { name: 'csr-1' },
      spec: { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'], request, username: 'admin', groups: ['system:masters'] },
      status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' },
    } as KubeObject,
    { dryRun: false },
  );
  const put = (subresource: string, change: (csr: KubeObject) => void) => {
    const body = structuredClone(ctx.storage.peek('certificatesigningrequests.certificates.k8s.io', undefined, 'csr-1')!) as KubeObject;
    change(body);
    return updateObject(ctx, targetFor(def, admin, { name: 'csr-1', subresource }), body, { dryRun: false });
  };
  return { created, put };
}
const conditions = (csr: KubeObject) => (csr.status as { conditions?: Record<string, string>[] }).conditions;

describe('the CertificateSigningRequest strategy', () => {
  it('records the requester from the request, never from the body, and drops any status on create', async () => {
    const { created } = await setUp();
    expect(created.spec).toMatchObject({ username: 'system:bootstrap:abcdef', uid: 'u-1', groups: ['system:bootstrappers', 'system:authenticated'], extra: { scope: ['a'] } });
    expect(created.status).toEqual({});
  });

  it('keeps spec and status on main-resource updates, so they cannot approve, but lets metadata change', async () => {
    const { put } = await setUp();
    const updated = await put('', (csr) => {
      csr.metadata.labels = { team: 'a' };
      csr.spec = { ...(csr.spec as object), signerName: 'example.com/other' };
      csr.status = { conditions: [{ type: 'Approved', status: 'True', reason: 'sneaky' }] };
    });
    expect(updated.metadata.labels).toEqual({ team: 'a' });
    expect((updated.spec as { signerName: string }).signerName).toBe('kubernetes.io/kube-apiserver-client-kubelet');
    expect(updated.status).toEqual({});
  });

  it('lets the approval subresource add a decision with timestamps, and nothing else', async () => {
    const { put } = await setUp();
    const approved = await put('approval', (csr) => {
      csr.spec = { ...(csr.spec as object), username: 'someone-else' };
      csr.status = { certificate: 'LS0t', conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'ok' }] };
    });
    expect(conditions(approved)).toEqual([
      { type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'ok', lastUpdateTime: '2025-03-01T10:00:00Z', lastTransitionTime: '2025-03-01T10:00:00Z' },
    ]);
    expect((approved.status as { certificate?: string }).certificate).toBeUndefined();
    expect((approved.spec as { username: string }).username).toBe('system:bootstrap:abcdef');
  });

  it('lets the status subresource issue the certificate, but not decide approval', async () => {
    const { put } = await setUp();
    await expect(put('status', (csr) => (csr.status = { conditions: [{ type: 'Approved', status: 'True' }] }))).rejects.toMatchObject({
      code: 422,
      message: expect.stringContaining('status.conditions: Forbidden: updates may not add a condition of type "Approved"'),
    });
    await put('approval', (csr) => (csr.status = { conditions: [{ type: 'Approved', status: 'True', reason: 'AutoApproved' }] }));
    const issued = await put('status', (csr) => {
      const status = csr.status as { certificate?: string; conditions: Record<string, string>[] };
      status.certificate = 'LS0tLS1CRUdJTg==';
      status.conditions[0].reason = 'rewritten';
    });
    expect((issued.status as { certificate?: string }).certificate).toBe('LS0tLS1CRUdJTg==');
    // The stored decision stands however the status write words it.
    expect(conditions(issued)?.[0].reason).toBe('AutoApproved');
  });
});
