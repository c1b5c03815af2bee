// Client certificate rotation (--rotate-certificates): the kubelet bootstraps in the background, renews a
// short-lived certificate at 70–90 % of its life with a CSR authenticated by that certificate (the bootstrap
// token is gone by then), swaps its API client to the new one, and keeps heartbeating after the old expires.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parse } from 'yaml';
import type { KubeObject } from '@hubspoke/api';
import { describeCertificate } from '@hubspoke/pki';
import type { KubeletHandle } from '../kubelet.ts';
import { eventually, startBootstrapKubelet, startCertTestCluster } from './test-cluster.ts';
import type { CertTestCluster } from './test-cluster.ts';

const FIRST_LIFETIME_MS = 5_000;

let cluster: CertTestCluster;
let dir: string;
let kubelet: KubeletHandle;
let logs: Array<Record<string, unknown>>;
let firstNotBefore: Date;

beforeAll(async () => {
  cluster = await startCertTestCluster((_csr, index) => {
    if (index > 0) return { kind: 'approve' };
    // Whole seconds, as X.509 stores them, so the lifetime the kubelet sees is exactly FIRST_LIFETIME_MS.
    firstNotBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
    return { kind: 'approve', validity: { notBefore: firstNotBefore, notAfter: new Date(firstNotBefore.getTime() + FIRST_LIFETIME_MS) } };
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-rotation-'));
  ({ kubelet, logs } = await startBootstrapKubelet(cluster, dir, { rotateCertificates: true }));
});
afterAll(async () => {
  await kubelet?.stop();
  await cluster.close();
  await rm(dir, { recursive: true, force: true });
});

type Lease = KubeObject & { spec: { renewTime: string } };
const leasePath = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-a';

describe('client certificate rotation', () => {
  it('bootstraps in the background with a generateName csr- request and the kubeconfig pointing at current.pem', async () => {
    await kubelet.ready;
    const first = cluster.signer.seen[0] as KubeObject & { spec: { signerName: string; usages: string[] } };
    expect(first.metadata.name).toMatch(/^csr-[a-z0-9]{5}$/);
    expect(first.spec).toMatchObject({ signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] });
    const current = path.join(dir, 'pki', 'kubelet-client-current.pem');
    const kubeconfig = parse(await readFile(path.join(dir, 'kubelet.conf'), 'utf8'));
    expect(kubeconfig.users[0]).toEqual({ name: 'default-auth', user: { 'client-certificate': current, 'client-key': current } });
    expect(logs.map((l) => l.msg)).toContain('Client rotation is on, will bootstrap in background');
    // From here on only the kubelet's own certificate can authenticate it.
    await cluster.admin.delete(`/api/v1/namespaces/kube-system/secrets/${cluster.tokenSecret}`);
  });

  it('renews at 70–90 % of the lifetime with a CSR the node files as itself, and swaps to the new certificate', async () => {
    const firstPem = kubelet.clientCertificatePem()!;
    expect(new Date(new X509Certificate(firstPem).validTo).getTime()).toBe(firstNotBefore.getTime() + FIRST_LIFETIME_MS);
    const secondPem = await eventually(() => {
      const pem = kubelet.clientCertificatePem();
      return pem && pem !== firstPem ? pem : undefined;
    }, 'the rotated client certificate');
    const rotatedAt = Date.now() - firstNotBefore.getTime();
    expect(rotatedAt).toBeGreaterThanOrEqual(0.7 * FIRST_LIFETIME_MS);
    expect(rotatedAt).toBeLessThan(FIRST_LIFETIME_MS);

    // The token Secret was deleted, so this request can only have been authenticated by the client certificate.
    expect(cluster.signer.seen).toHaveLength(2);
    expect(cluster.signer.seen[1].metadata.name).toMatch(/^csr-/);
    expect(describeCertificate(secondPem)).toMatchObject({ commonName: 'system:node:node-a', organizations: ['system:nodes'] });

    const pki = path.join(dir, 'pki');
    const pairs = (await readdir(pki)).filter((f) => /^kubelet-client-\d/.test(f)).sort();
    expect(pairs).toHaveLength(2);
    expect(await readlink(path.join(pki, 'kubelet-client-current.pem'))).toBe(path.join(pki, pairs[1]));
    expect(await readFile(path.join(pki, pairs[1]), 'utf8')).toContain(secondPem.trim());
    const messages = logs.map((l) => l.msg);
    expect(messages.filter((m) => m === 'Rotated certificate')).toHaveLength(2);
    expect(messages).toContain('Certificate rotation detected, shutting down client connections to start using new credentials');
  });

  it('keeps renewing its Lease after the first certificate has expired', async () => {
    const expiry = firstNotBefore.getTime() + FIRST_LIFETIME_MS;
    await delay(Math.max(0, expiry - Date.now()) + 300);
    const before = await cluster.admin.get<Lease>(leasePath);
    const renewed = await eventually(async () => {
      const lease = await cluster.admin.get<Lease>(leasePath);
      return Date.parse(lease.spec.renewTime) > Date.parse(before.spec.renewTime) ? lease : undefined;
    }, 'a lease renewal after expiry', 5_000);
    expect(Date.parse(renewed.spec.renewTime)).toBeGreaterThan(expiry);
  });
});
