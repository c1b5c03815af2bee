import type { Authorizer } from '@hubspoke/auth';
import { createCsr } from '@hubspoke/pki';
import { afterEach, describe, expect, it } from 'vitest';
import type { Controller } from './context.ts';
import { startCsrApprovingController } from './csr-approving.ts';
import {
  BOOTSTRAP_USER,
  bindKubeadmAutoApproval,
  conditionsOf,
  csrObject,
  nodeUser,
  rbacCluster,
} from './csr-test-support.ts';
import { eventually, recordingLogger } from './test-support.ts';

const CSRS = 'certificatesigningrequests.certificates.k8s.io';
const KUBELET_CLIENT = 'kubernetes.io/kube-apiserver-client-kubelet';
const CLIENT_USAGES = ['digital signature', 'client auth'];
const NOW = new Date('2030-05-01T12:00:00Z');

async function kubeletClientRequest(node: string): Promise<string> {
  return (await createCsr({ commonName: `system:node:${node}`, organizations: ['system:nodes'] })).csr;
}

const logged = (logger: ReturnType<typeof recordingLogger>, msg: string, csr: string) =>
  logger.entries.find((e) => e.msg === msg && (e.fields as { csr?: string }).csr === csr);

describe('csrapproving controller', () => {
  let controller: Controller | undefined;
  afterEach(() => controller?.stop());

  it('approves a bootstrap token user\'s kubelet client CSR when bootstrappers may create nodeclient CSRs', async () => {
    const { storage, authorizer } = await rbacCluster();
    await bindKubeadmAutoApproval(storage, 'bootstrap');
    const requestPem = await kubeletClientRequest('node-1');
    await storage.create(CSRS, csrObject({ name: 'node-csr-1', requestPem, signerName: KUBELET_CLIENT, usages: CLIENT_USAGES, requester: BOOTSTRAP_USER }));
    controller = startCsrApprovingController({ storage, authorizer, logger: recordingLogger(), now: () => NOW });
    const [condition] = await eventually(() => conditionsOf(storage, 'node-csr-1').length > 0 && conditionsOf(storage, 'node-csr-1'));
    expect(condition).toEqual({
      type: 'Approved',
      status: 'True',
      reason: 'AutoApproved',
      message: 'Auto approving kubelet client certificate after SubjectAccessReview.',
      lastUpdateTime: '2030-05-01T12:00:00Z',
      lastTransitionTime: '2030-05-01T12:00:00Z',
    });
  });

  it('approves a node renewing its own client certificate as selfnodeclient', async () => {
    const { storage, authorizer } = await rbacCluster();
    await bindKubeadmAutoApproval(storage, 'rotation');
    controller = startCsrApprovingController({ storage, authorizer, logger: recordingLogger() });
    const requestPem = await kubeletClientRequest('node-1');
    await storage.create(CSRS, csrObject({ name: 'renew', requestPem, signerName: KUBELET_CLIENT, usages: CLIENT_USAGES, requester: nodeUser('node-1') }));
    const [condition] = await eventually(() => conditionsOf(storage, 'renew').length > 0 && conditionsOf(storage, 'renew'));
    expect(condition).toMatchObject({
      type: 'Approved',
      status: 'True',
      reason: 'AutoApproved',
      message: 'Auto approving self kubelet client certificate after SubjectAccessReview.',
    });
  });

  it('leaves a node\'s request for another node\'s identity pending, since nodes have no nodeclient permission', async () => {
    const { storage, authorizer } = await rbacCluster();
    await bindKubeadmAutoApproval(storage, 'rotation');
    const logger = recordingLogger();
    controller = startCsrApprovingController({ storage, authorizer, logger });
    const requestPem = await kubeletClientRequest('node-2');
    await storage.create(CSRS, csrObject({ name: 'steal', requestPem, signerName: KUBELET_CLIENT, usages: CLIENT_USAGES, requester: nodeUser('node-1') }));
    const entry = await eventually(() => logged(logger, 'csr recognized but subject access review was not approved', 'steal'));
    expect(entry.fields).toMatchObject({ recognizedAs: ['nodeclient'], requester: 'system:node:node-1' });
    expect(conditionsOf(storage, 'steal')).toEqual([]);
  });

  it('does not auto-approve a kubelet client CSR that also asks for server auth', async () => {
    const { storage, authorizer } = await rbacCluster();
    await bindKubeadmAutoApproval(storage, 'bootstrap');
    const logger = recordingLogger();
    controller = startCsrApprovingController({ storage, authorizer, logger });
    const requestPem = await kubeletClientRequest('node-1');
    const usages = ['digital signature', 'client auth', 'server auth'];
    await storage.create(CSRS, csrObject({ name: 'greedy', requestPem, signerName: KUBELET_CLIENT, usages, requester: BOOTSTRAP_USER }));
    const entry = await eventually(() => logged(logger, 'not a kubelet client certificate request, left pending', 'greedy'));
    expect(entry.fields).toMatchObject({ reason: 'usages did not match [client auth digital signature key encipherment]' });
    expect(conditionsOf(storage, 'greedy')).toEqual([]);
  });

  it('approves a waiting request as soon as a binding grants the permission', async () => {
    const { storage, authorizer } = await rbacCluster();
    const logger = recordingLogger();
    // Retry rarely, so only the binding's arrival can explain a prompt approval.
    controller = startCsrApprovingController({ storage, authorizer, logger, retryBaseMs: 60_000 });
    const requestPem = await kubeletClientRequest('node-3');
    await storage.create(CSRS, csrObject({ name: 'early', requestPem, signerName: KUBELET_CLIENT, usages: CLIENT_USAGES, requester: BOOTSTRAP_USER }));
    await eventually(() => logged(logger, 'csr recognized but subject access review was not approved', 'early'));
    await bindKubeadmAutoApproval(storage, 'bootstrap');
    await eventually(() => conditionsOf(storage, 'early').some((c) => c.type === 'Approved'));
  });

  it('asks the authorizer exactly what a SubjectAccessReview for the requester would', async () => {
    const { storage } = await rbacCluster();
    const asked: unknown[] = [];
    const recording: Authorizer = {
      name: 'recording',
      authorize(attrs) {
        asked.push(attrs);
        return { kind: 'no-opinion' };
      },
    };
    const logger = recordingLogger();
    controller = startCsrApprovingController({ storage, authorizer: recording, logger, retryBaseMs: 60_000 });
    const requester = { name: 'system:node:node-4', uid: 'u-4', groups: ['system:nodes'], extra: { scopes: ['a'] } };
    const requestPem = await kubeletClientRequest('node-4');
    const csr = csrObject({ name: 'self', requestPem, signerName: KUBELET_CLIENT, usages: CLIENT_USAGES, requester });
    (csr.spec as { extra?: object }).extra = requester.extra;
    await storage.create(CSRS, csr);
    await eventually(() => logged(logger, 'csr recognized but subject access review was not approved', 'self'));
    const review = { verb: 'create', isResourceRequest: true, apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests', user: requester };
    expect(asked).toEqual([
      { ...review, subresource: 'selfnodeclient' },
      { ...review, subresource: 'nodeclient' },
    ]);
  });

  it('leaves decided requests and other signers alone', async () => {
    const { storage, authorizer } = await rbacCluster();
    await bindKubeadmAutoApproval(storage, 'bootstrap');
    const requestPem = await kubeletClientRequest('node-5');
    const denied = csrObject({ name: 'denied', requestPem, signerName: KUBELET_CLIENT, usages: CLIENT_USAGES, requester: BOOTSTRAP_USER });
    denied.status = { conditions: [{ type: 'Denied', status: 'True', reason: 'KubectlDeny', message: 'no' }] };
    await storage.create(CSRS, denied);
    await storage.create(CSRS, csrObject({ name: 'serving', requestPem, signerName: 'kubernetes.io/kubelet-serving', usages: CLIENT_USAGES, requester: BOOTSTRAP_USER }));
    await storage.create(CSRS, csrObject({ name: 'zz-marker', requestPem, signerName: KUBELET_CLIENT, usages: CLIENT_USAGES, requester: BOOTSTRAP_USER }));
    controller = startCsrApprovingController({ storage, authorizer, logger: recordingLogger() });
    // One queue handles the three in key order; the last one's approval means the others were looked at.
    await eventually(() => conditionsOf(storage, 'zz-marker').length > 0);
    expect(conditionsOf(storage, 'denied').map((c) => c.type)).toEqual(['Denied']);
    expect(conditionsOf(storage, 'serving')).toEqual([]);
  });
});
