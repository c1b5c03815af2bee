import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCA, signCsr } from '@hubspoke/pki';
import { makeCertificateRequest } from './certificate-request.ts';
import { generateEcPrivateKey, parsePrivateKey } from './private-key.ts';
import { CSR_PATH, requestCertificate, waitForCertificate } from './signing-request.ts';
import { CSR_KEY } from './test-signer.ts';
import { startCertTestCluster } from './test-cluster.ts';
import type { CertTestCluster } from './test-cluster.ts';

let cluster: CertTestCluster;
beforeAll(async () => {
  cluster = await startCertTestCluster(() => ({ kind: 'leave' }));
});
afterAll(async () => {
  await cluster.close();
});

const template = { commonName: 'system:node:node-a', organizations: ['system:nodes'] };
const newCsr = async () => makeCertificateRequest(parsePrivateKey(await generateEcPrivateKey()), template);
const signerName = 'kubernetes.io/kube-apiserver-client-kubelet';
const usages = ['digital signature', 'client auth'] as const;

describe('requestCertificate', () => {
  it('posts a certificates.k8s.io/v1 CSR with base64 request, signer and usages, named by generateName when unnamed', async () => {
    const csrPem = await newCsr();
    const submitted = await requestCertificate(cluster.admin, { csrPem, signerName, usages });
    expect(submitted.name).toMatch(/^csr-[a-z0-9]{5}$/);
    const stored = await cluster.admin.get<{ spec: Record<string, unknown>; metadata: { uid: string } }>(`${CSR_PATH}/${submitted.name}`);
    expect(stored.metadata.uid).toBe(submitted.uid);
    expect(stored.spec).toMatchObject({ request: Buffer.from(csrPem).toString('base64'), signerName, usages });
  });

  it('reuses a same-named request made with the same key, and refuses one made with another key', async () => {
    const keyPem = await generateEcPrivateKey();
    const csrPem = await makeCertificateRequest(parsePrivateKey(keyPem), template);
    const first = await requestCertificate(cluster.admin, { csrPem, name: 'node-csr-reuse', signerName, usages });
    // A restarted kubelet signs a fresh request with the same key: same public key, new signature bytes.
    const again = await requestCertificate(cluster.admin, {
      csrPem: await makeCertificateRequest(parsePrivateKey(keyPem), template),
      name: 'node-csr-reuse',
      signerName,
      usages,
    });
    expect(again).toEqual(first);
    await expect(requestCertificate(cluster.admin, { csrPem: await newCsr(), name: 'node-csr-reuse', signerName, usages })).rejects.toThrow(
      /^retrieved csr is not compatible: .*public keys differ/,
    );
    await expect(
      requestCertificate(cluster.admin, { csrPem, name: 'node-csr-reuse', signerName: 'kubernetes.io/kubelet-serving', usages }),
    ).rejects.toThrow('retrieved csr is not compatible: csr signerNames differ: new "kubernetes.io/kube-apiserver-client-kubelet", orig: "kubernetes.io/kubelet-serving"');
  });
});

describe('waitForCertificate', () => {
  it('keeps waiting while the request is only approved, and returns the certificate once it is issued', async () => {
    const csrPem = await newCsr();
    const submitted = await requestCertificate(cluster.admin, { csrPem, signerName, usages });
    const waiting = waitForCertificate(cluster.admin, submitted, { timeoutMs: 10_000 });
    const storage = cluster.apiserver.storage;
    await storage.update(CSR_KEY, undefined, submitted.name, (csr) => ({ ...csr, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'R', message: 'M' }] } }));
    const certificate = await signCsr({ ca: cluster.ca, csr: csrPem, usage: 'client' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await storage.update(CSR_KEY, undefined, submitted.name, (csr) => ({
      ...csr,
      status: { ...(csr.status as object), certificate: Buffer.from(certificate).toString('base64') },
    }));
    expect(await waiting).toBe(certificate);
  });

  it('rejects when the request is deleted, or replaced by another of the same name', async () => {
    const submitted = await requestCertificate(cluster.admin, { csrPem: await newCsr(), name: 'node-csr-doomed', signerName, usages });
    const outcome = expect(waitForCertificate(cluster.admin, submitted, { timeoutMs: 10_000 })).rejects.toThrow(
      'cannot watch on the certificate signing request: csr "node-csr-doomed" was deleted',
    );
    await cluster.admin.delete(`${CSR_PATH}/node-csr-doomed`);
    await outcome;

    const recreated = await requestCertificate(cluster.admin, { csrPem: await newCsr(), name: 'node-csr-doomed', signerName, usages });
    await expect(waitForCertificate(cluster.admin, { ...recreated, uid: 'an-older-uid' }, { timeoutMs: 10_000 })).rejects.toThrow(
      'csr "node-csr-doomed" changed UIDs',
    );
  });

  it('gives up after its timeout, and returns at once when its signal aborts', async () => {
    const submitted = await requestCertificate(cluster.admin, { csrPem: await newCsr(), signerName, usages });
    await expect(waitForCertificate(cluster.admin, submitted, { timeoutMs: 300 })).rejects.toThrow('timed out waiting for the condition');
    const abort = new AbortController();
    const waiting = waitForCertificate(cluster.admin, submitted, { timeoutMs: 60_000, signal: abort.signal });
    const started = Date.now();
    setTimeout(() => abort.abort(), 50);
    await expect(waiting).rejects.toThrow('timed out waiting for the condition');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
