// Bootstrapped serving certificates (serverTLSBootstrap): the kubelet asks the kubernetes.io/kubelet-serving
// signer for a certificate naming its hostname and addresses, refuses every TLS handshake until an admin
// approves it, then serves with it — verifiable against the cluster CA — and rotates it live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import { mkdtemp, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { KubeObject } from '@hubspoke/api';
import { describeCertificate, parseCsr } from '@hubspoke/pki';
import type { KubeletHandle } from '../kubelet.ts';
import { eventually, startBootstrapKubelet, startCertTestCluster } from './test-cluster.ts';
import type { CertTestCluster } from './test-cluster.ts';

const SERVING = 'kubernetes.io/kubelet-serving';

let cluster: CertTestCluster;
let dir: string;
let kubelet: KubeletHandle;
let logs: Array<Record<string, unknown>>;

beforeAll(async () => {
  let servingRequests = 0;
  // Client CSRs are approved at once; the first serving CSR waits for the test, later ones are approved.
  cluster = await startCertTestCluster((csr) => {
    const signer = (csr.spec as { signerName: string }).signerName;
    if (signer === SERVING && servingRequests++ === 0) return { kind: 'leave' };
    return { kind: 'approve' };
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-serving-'));
  ({ kubelet, logs } = await startBootstrapKubelet(cluster, dir, { serverTLSBootstrap: true }));
  await kubelet.ready;
});
afterAll(async () => {
  await kubelet?.stop();
  await cluster.close();
  await rm(dir, { recursive: true, force: true });
});

/** The certificate the kubelet presents, verified against `ca` (IP SAN 127.0.0.1), or the handshake error. */
function handshake(ca?: string): Promise<{ kind: 'ok'; fingerprint: string } | { kind: 'error'; error: Error }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port: kubelet.port, ca, rejectUnauthorized: Boolean(ca) });
    socket.once('secureConnect', () => {
      resolve({ kind: 'ok', fingerprint: socket.getPeerX509Certificate()!.fingerprint256 });
      socket.destroy();
    });
    socket.once('error', (error) => resolve({ kind: 'error', error }));
  });
}

const servingCsrs = () => cluster.signer.seen.filter((c) => (c.spec as { signerName: string }).signerName === SERVING);

describe('serverTLSBootstrap', () => {
  it('requests a serving certificate as the node, for its hostname and addresses, with ECDSA serving usages', async () => {
    const [csr] = await eventually(() => (servingCsrs().length > 0 ? servingCsrs() : undefined), 'a serving CSR');
    const spec = (csr as KubeObject & { spec: { request: string; usages: string[] } }).spec;
    expect(csr.metadata.name).toMatch(/^csr-/);
    expect(spec.usages).toEqual(['digital signature', 'server auth']);
    expect(parseCsr(Buffer.from(spec.request, 'base64').toString('utf8'))).toMatchObject({
      commonName: 'system:node:node-a',
      organizations: ['system:nodes'],
      dnsNames: ['node-a'],
      ipAddresses: ['127.0.0.1'],
    });
  });

  it('fails every TLS handshake while no serving certificate has been issued', async () => {
    expect(kubelet.servingCertPem).toBe('');
    const attempt = await handshake();
    expect(attempt.kind).toBe('error');
    expect(attempt.kind === 'error' && attempt.error.message).toMatch(/handshake failure/);
    await eventually(() => logs.find((l) => l.msg === 'no serving certificate available for the kubelet'), 'the refusal log');
  });

  it('serves with the certificate once an admin approves it, verifiable against the cluster CA', async () => {
    const [csr] = servingCsrs();
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
    await cluster.signer.approve(csr.metadata.name!, { notBefore, notAfter: new Date(notBefore.getTime() + 4_000) });
    const pem = await eventually(() => kubelet.servingCertPem || undefined, 'the issued serving certificate');
    expect(describeCertificate(pem)).toMatchObject({ commonName: 'system:node:node-a', issuerCommonName: 'kubernetes', dnsNames: ['node-a'], ipAddresses: ['127.0.0.1'] });

    const attempt = await handshake(cluster.ca.cert);
    expect(attempt).toEqual({ kind: 'ok', fingerprint: new X509Certificate(pem).fingerprint256 });
    const pki = path.join(dir, 'pki');
    expect(await readlink(path.join(pki, 'kubelet-server-current.pem'))).toMatch(/kubelet-server-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.pem$/);

    const healthz = await new Promise<string>((resolve, reject) => {
      https.get(`https://127.0.0.1:${kubelet.port}/healthz`, { ca: cluster.ca.cert }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    expect(healthz).toBe('ok');
  });

  it('rotates the serving certificate and presents the new one to new connections', async () => {
    const first = kubelet.servingCertPem;
    const second = await eventually(() => (kubelet.servingCertPem !== first ? kubelet.servingCertPem : undefined), 'the rotated serving certificate');
    expect(servingCsrs()).toHaveLength(2);
    expect(await handshake(cluster.ca.cert)).toEqual({ kind: 'ok', fingerprint: new X509Certificate(second).fingerprint256 });
  });
});
