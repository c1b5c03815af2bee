// TLS bootstrapping end to end (rotation off, so the kubelet waits for its certificate before it starts):
// a bootstrap token becomes the node's own client certificate, the kubeconfig the kubelet writes points at
// it, a restart reuses it, and a denied request stops the kubelet with the denial's reason and message.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '@hubspoke/api';
import { buildKubeconfig, describeCertificate, kubeconfigToYaml, parseCsr } from '@hubspoke/pki';
import { KubeletConfigError } from '../config.ts';
import { startKubelet } from '../kubelet.ts';
import type { KubeletHandle } from '../kubelet.ts';
import { digestedCsrName } from './csr-name.ts';
import { parsePrivateKey, publicKeyDer } from './private-key.ts';
import { startBootstrapKubelet, startCertTestCluster } from './test-cluster.ts';
import type { CertTestCluster } from './test-cluster.ts';

let cluster: CertTestCluster;
let dir: string;
let kubelet: KubeletHandle | undefined;

beforeAll(async () => {
  cluster = await startCertTestCluster(() => ({ kind: 'approve' }));
  dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-bootstrap-'));
});
afterEach(async () => {
  await kubelet?.stop();
  kubelet = undefined;
});
afterAll(async () => {
  await cluster.close();
  await rm(dir, { recursive: true, force: true });
});

describe('TLS bootstrapping with rotation off', () => {
  it('requests node-csr-<digest> with the bootstrap token, writes the pem, symlink and kubeconfig, and registers as system:node:node-a', async () => {
    ({ kubelet } = await startBootstrapKubelet(cluster, dir));
    await kubelet.ready;

    const pki = path.join(dir, 'pki');
    const current = path.join(pki, 'kubelet-client-current.pem');
    const files = (await readdir(pki)).sort();
    // Beside the self-signed kubelet.crt/.key the server uses (no serverTLSBootstrap here).
    expect(files).toEqual([
      expect.stringMatching(/^kubelet-client-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.pem$/),
      'kubelet-client-current.pem',
      'kubelet.crt',
      'kubelet.key',
    ]);
    expect((await lstat(current)).isSymbolicLink()).toBe(true);
    expect(await readlink(current)).toBe(path.join(pki, files[0]));
    expect((await stat(current)).mode & 0o777).toBe(0o600);

    // One CSR, named by the digest of the stored key's public half, subject and usages.
    expect(cluster.signer.seen).toHaveLength(1);
    const csr = cluster.signer.seen[0] as KubeObject & { spec: { request: string; signerName: string; usages: string[] } };
    const pem = await readFile(current, 'utf8');
    expect(pem).toMatch(/-----END CERTIFICATE-----\n-----BEGIN EC PRIVATE KEY-----/);
    const usages = ['digital signature', 'client auth'] as const;
    const subject = { commonName: 'system:node:node-a', organizations: ['system:nodes'] };
    expect(csr.metadata.name).toBe(digestedCsrName(publicKeyDer(parsePrivateKey(pem)), subject, usages));
    expect(csr.spec.signerName).toBe('kubernetes.io/kube-apiserver-client-kubelet');
    expect(csr.spec.usages).toEqual(usages);
    expect(parseCsr(Buffer.from(csr.spec.request, 'base64').toString('utf8'))).toMatchObject({ ...subject, dnsNames: [], ipAddresses: [] });
    expect(files).not.toContain('kubelet-client.key.tmp');

    // The kubeconfig the kubelet writes: the bootstrap cluster, user default-auth pointing at current.pem.
    const kubeconfig = parse(await readFile(path.join(dir, 'kubelet.conf'), 'utf8'));
    expect(kubeconfig).toMatchObject({
      'current-context': 'default-context',
      clusters: [{ name: 'default-cluster', cluster: { server: cluster.apiserver.url, 'certificate-authority-data': Buffer.from(cluster.apiserver.servingCert).toString('base64') } }],
      users: [{ name: 'default-auth', user: { 'client-certificate': current, 'client-key': current } }],
      contexts: [{ name: 'default-context', context: { cluster: 'default-cluster', user: 'default-auth', namespace: 'default' } }],
    });
    expect(kubeconfig.users[0].user.token).toBeUndefined();

    // The identity the kubelet now uses; under Node authorization only system:node:node-a may create this Node.
    const cert = describeCertificate(kubelet.clientCertificatePem()!);
    expect(cert).toMatchObject({ commonName: 'system:node:node-a', organizations: ['system:nodes'], issuerCommonName: 'kubernetes' });
    expect(new X509Certificate(kubelet.clientCertificatePem()!).fingerprint256).toBe(new X509Certificate(pem).fingerprint256);
    // current.pem holds the key too; what the kubelet reports as its certificate must not.
    expect(kubelet.clientCertificatePem()).toBe(pem.slice(0, pem.indexOf('-----BEGIN EC PRIVATE KEY-----')));
    const node = await cluster.admin.get('/api/v1/nodes/node-a');
    expect(node.metadata.name).toBe('node-a');
    const lease = await cluster.admin.get<KubeObject & { spec: { holderIdentity: string } }>('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-a');
    expect(lease.spec.holderIdentity).toBe('node-a');
  });

  it('reuses a kubeconfig whose certificate is still valid on the next start, without a new CSR', async () => {
    const before = await readFile(path.join(dir, 'kubelet.conf'), 'utf8');
    const { kubelet: again, logs } = await startBootstrapKubelet(cluster, dir);
    kubelet = again;
    await kubelet.ready;
    expect(cluster.signer.seen).toHaveLength(1);
    expect(await readFile(path.join(dir, 'kubelet.conf'), 'utf8')).toBe(before);
    expect(describeCertificate(kubelet.clientCertificatePem()!).commonName).toBe('system:node:node-a');
    expect(logs.map((l) => l.msg)).toContain('Kubeconfig exists and is valid, skipping bootstrap');
  });
});

describe('the bootstrap kubeconfig', () => {
  it('carries a certificate-authority file reference over as an absolute path, as clientcmd resolves it', async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), 'kubelet-ca-file-'));
    try {
      await writeFile(path.join(own, 'ca.crt'), cluster.apiserver.servingCert);
      const bootstrap = path.join(own, 'bootstrap.conf');
      const doc = buildKubeconfig({ clusterName: 'k', server: cluster.apiserver.url, caFile: 'ca.crt', userName: 'boot', token: cluster.token });
      await writeFile(bootstrap, kubeconfigToYaml(doc));
      ({ kubelet } = await startBootstrapKubelet(cluster, own, { bootstrapKubeconfig: bootstrap }));
      const written = parse(await readFile(path.join(own, 'kubelet.conf'), 'utf8'));
      expect(written.clusters[0].cluster).toEqual({ server: cluster.apiserver.url, 'certificate-authority': path.join(own, 'ca.crt') });
      await kubelet.ready;
    } finally {
      await kubelet?.stop();
      kubelet = undefined;
      await rm(own, { recursive: true, force: true });
    }
  });

  it('needs --kubeconfig as the path to write', async () => {
    await expect(startKubelet({ bootstrapKubeconfig: '/etc/kubernetes/bootstrap-kubelet.conf', rootDir: dir, port: 0, readOnlyPort: 0 })).rejects.toThrow(
      KubeletConfigError,
    );
  });
});

describe('a refused bootstrap', () => {
  it('fails the start with the Denied condition reason and message, and writes no kubeconfig', async () => {
    const refusing = await startCertTestCluster(() => ({ kind: 'deny', reason: 'NotWelcome', message: 'node-a is not on the guest list' }));
    const own = await mkdtemp(path.join(os.tmpdir(), 'kubelet-denied-'));
    try {
      await expect(startBootstrapKubelet(refusing, own)).rejects.toThrow(
        'cannot watch on the certificate signing request: certificate signing request is denied, reason: NotWelcome, message: node-a is not on the guest list',
      );
      const files = await readdir(own);
      expect(files).not.toContain('kubelet.conf');
      // The key waits for the next attempt, which will find the same CSR by name.
      expect(await readdir(path.join(own, 'pki'))).toEqual(['kubelet-client.key.tmp']);
    } finally {
      await refusing.close();
      await rm(own, { recursive: true, force: true });
    }
  });

  it('reports a Failed condition the same way', async () => {
    const failing = await startCertTestCluster(() => ({ kind: 'fail', reason: 'SignerValidationFailure', message: 'subject must be system:node' }));
    const own = await mkdtemp(path.join(os.tmpdir(), 'kubelet-failed-'));
    try {
      await expect(startBootstrapKubelet(failing, own)).rejects.toThrow(
        'certificate signing request failed, reason: SignerValidationFailure, message: subject must be system:node',
      );
    } finally {
      await failing.close();
      await rm(own, { recursive: true, force: true });
    }
  });
});
