// Kubelet serving certificates by TLS bootstrapping (serverTLSBootstrap), end to end with the real kubectl:
// the apiserver verifies kubelets against the cluster CA (--kubelet-certificate-authority), so a joined node
// is unreachable for logs until an admin approves its kubernetes.io/kubelet-serving CSR, and reachable
// through a verified connection afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import type { KubeletHandle } from '@hubspoke/kubelet';
import { describeCertificate, verifyChain } from '@hubspoke/pki';
import { kubectl, table } from './support/kubectl.ts';
import { createPod, waitRunning } from './support/pods.ts';

const NODE = 'node-serving';

let cluster: Cluster;
let kubelet: KubeletHandle;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 0, verifyKubelets: true });
  kubelet = await cluster.joinNode(NODE, { kubelet: { serverTLSBootstrap: true } });
  await createPod(cluster, 'chatty', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] }, {
    nodeSelector: { 'kubernetes.io/hostname': NODE },
  });
  await waitRunning(cluster, 'chatty');
});
afterAll(async () => {
  await cluster?.close();
});

describe('a kubelet serving certificate from the kubernetes.io/kubelet-serving signer', () => {
  it('leaves the node unreachable until an admin approves its CSR, then serves logs through the verified connection', async () => {
    const admin = { kubeconfig: cluster.adminKubeconfig };
    // No certificate yet: the kubelet cannot complete a TLS handshake. (Go's kubelet fails it from
    // GetCertificate with an internal_error alert, "remote error: tls: internal error"; Node's TLS server has
    // no certificate to offer and answers handshake_failure.)
    expect(kubelet.servingCertPem).toBe('');
    const before = await kubectl(['logs', 'chatty', '--tail=1'], admin);
    expect(before.code).toBe(1);
    expect(before.stdout).toBe('');
    expect(before.stderr.trim()).toBe(
      `Error from server: Get "https://${kubelet.address}:${kubelet.port}/containerLogs/default/chatty/chatty?tailLines=1": remote error: tls: handshake failure`,
    );

    const pending = await waitFor(
      async () => {
        const rows = table((await kubectl(['get', 'csr', '--no-headers'], admin)).stdout);
        return rows.find((r) => r[2] === 'kubernetes.io/kubelet-serving');
      },
      { timeoutMs: 10_000, what: 'the serving CSR' },
    );
    const [name, , , requestor, duration, condition] = pending;
    expect(name).toMatch(/^csr-[a-z0-9]{5}$/);
    expect([requestor, duration, condition]).toEqual([`system:node:${NODE}`, '<none>', 'Pending']);
    // Serving CSRs are never auto-approved: it is still Pending after the client CSR beside it was issued.
    const all = table((await kubectl(['get', 'csr', '--no-headers'], admin)).stdout);
    expect(all.map((r) => [r[2], r[5]]).sort()).toEqual([
      ['kubernetes.io/kube-apiserver-client-kubelet', 'Approved,Issued'],
      ['kubernetes.io/kubelet-serving', 'Pending'],
    ]);

    // kubectl 1.32 sends the CSR to /approval as protobuf (1.31 and older send JSON).
    const approve = await kubectl(['certificate', 'approve', name], { ...admin, version: '1.32' });
    expect(approve.stderr).toBe('');
    expect(approve.stdout).toBe(`certificatesigningrequest.certificates.k8s.io/${name} approved\n`);
    await waitFor(() => kubelet.servingCertPem !== '', { timeoutMs: 10_000, what: 'the issued serving certificate' });
    const after = table((await kubectl(['get', 'csr', name, '--no-headers'], admin)).stdout);
    expect(after[0][5]).toBe('Approved,Issued');

    const served = describeCertificate(kubelet.servingCertPem);
    expect(served).toMatchObject({
      commonName: `system:node:${NODE}`,
      organizations: ['system:nodes'],
      dnsNames: [NODE],
      ipAddresses: [kubelet.address],
      isCA: false,
    });
    expect(verifyChain({ leaf: kubelet.servingCertPem, roots: [cluster.pki.ca.cert], usage: 'server' })).toEqual({ ok: true });

    const logs = await kubectl(['logs', 'chatty', '--tail=1'], admin);
    expect(logs.stderr).toBe('');
    // The pod keeps logging: a line written while the kubelet reads may follow the one --tail=1 picked.
    expect(logs.stdout).toMatch(/^(.*hello from chatty.*\n)+$/);
    const exec = await kubectl(['exec', 'chatty', '--', 'echo', 'verified'], admin);
    expect(exec.stdout).toBe('verified\n');
  });
});
