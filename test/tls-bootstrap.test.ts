// Nodes joining securely, end to end with the real kubectl: a kubelet with only a bootstrap token gets its
// own client certificate through a CSR the control plane approves and signs, renews it as itself, and
// nothing a node or a bootstrap token sends can get it a certificate it should not have.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type BootstrapToken, type Cluster } from '@hubspoke/lab';
import { buildKubeconfig, createCsr, describeCertificate, kubeconfigToYaml, loadKubeconfig, splitCertificateBundle, verifyChain } from '@hubspoke/pki';
import { kubectl, table } from './support/kubectl.ts';
import { createPod, waitRunning } from './support/pods.ts';

const CLIENT_KUBELET_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
const CSR_PATH = '/apis/certificates.k8s.io/v1/certificatesigningrequests';

interface Csr {
  metadata: { name: string };
  spec: { signerName: string; username: string; groups: string[]; usages: string[] };
  status?: { conditions?: { type: string; reason?: string; message?: string }[]; certificate?: string };
}

async function csrs(cluster: Cluster): Promise<Csr[]> {
  return (await cluster.admin.list(CSR_PATH)).items as unknown as Csr[];
}

/** A CSR manifest as `kubectl create -f` reads it. */
function csrManifest(name: string, request: string, usages: string[]): string {
  return JSON.stringify({
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request: Buffer.from(request).toString('base64'), signerName: CLIENT_KUBELET_SIGNER, usages },
  });
}

/** The CONDITION column of a one-row `kubectl get csr NAME --no-headers`. */
function conditionOf(result: { stdout: string }): string | undefined {
  return table(result.stdout)[0]?.[5];
}

/** The node's `Ready` condition status, or undefined before it reports one. */
async function readyStatus(cluster: Cluster, node: string): Promise<string | undefined> {
  const got = await cluster.admin.get(`/api/v1/nodes/${node}`);
  const conditions = (got.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.find((c) => c.type === 'Ready')?.status;
}

describe('a node joining by bootstrap token', () => {
  let cluster: Cluster;
  let token: BootstrapToken;
  let tokenKubeconfig: string;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 1 });
    token = await cluster.createBootstrapToken();
    // What a bootstrap kubeconfig holds: the cluster CA and the token, no client certificate.
    tokenKubeconfig = join(cluster.dir, 'bootstrap-token.conf');
    const config = buildKubeconfig({ clusterName: 'hubspoke', server: cluster.server, caCert: cluster.pki.ca.cert, userName: 'tls-bootstrap-token-user', token: token.token });
    await writeFile(tokenKubeconfig, kubeconfigToYaml(config), { mode: 0o600 });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('gets a client certificate for system:node:<name> from an auto-approved CSR and then works as itself', async () => {
    const joinToken = await cluster.createBootstrapToken();
    const kubelet = await cluster.joinNode('node-join', { token: joinToken.token });
    await waitFor(async () => (await readyStatus(cluster, 'node-join')) === 'True', { timeoutMs: 20_000, what: 'node-join Ready' });

    const get = await kubectl(['get', 'csr'], { kubeconfig: cluster.adminKubeconfig });
    expect(get.stderr).toBe('');
    const [header, ...rows] = table(get.stdout);
    expect(header).toEqual(['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION']);
    expect(rows).toHaveLength(1);
    const [name, , signer, requestor, duration, condition] = rows[0];
    expect(name).toMatch(/^node-csr-[A-Za-z0-9_-]{43}$/);
    expect([signer, requestor, duration, condition]).toEqual([
      CLIENT_KUBELET_SIGNER,
      `system:bootstrap:${joinToken.id}`,
      '<none>',
      'Approved,Issued',
    ]);
    const [stored] = await csrs(cluster);
    expect(stored.spec.groups).toEqual(['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token', 'system:authenticated']);
    expect(stored.status?.conditions?.map((c) => [c.type, c.reason, c.message])).toEqual([
      ['Approved', 'AutoApproved', 'Auto approving kubelet client certificate after SubjectAccessReview.'],
    ]);

    // The kubeconfig the kubelet wrote points at the certificate it was issued.
    const written = await loadKubeconfig(join(cluster.dir, 'nodes', 'node-join', 'kubelet.conf'));
    expect(written.token).toBeUndefined();
    // Certificate and key share the cert dir's current.pem, as the kubelet writes them.
    expect(written.clientKey).toBe(written.clientCert);
    const [certificate] = splitCertificateBundle(written.clientCert!);
    expect(kubelet.clientCertificatePem()).toBe(certificate);
    expect(certificate).toBe(Buffer.from(stored.status!.certificate!, 'base64').toString('utf8'));
    const info = describeCertificate(certificate);
    expect([info.commonName, info.organizations, info.issuerCommonName]).toEqual([
      'system:node:node-join',
      ['system:nodes'],
      describeCertificate(cluster.pki.ca.cert).commonName,
    ]);
    expect(verifyChain({ leaf: certificate, roots: [cluster.pki.ca.cert], usage: 'client' })).toEqual({ ok: true });
    expect(verifyChain({ leaf: certificate, roots: [cluster.pki.ca.cert], usage: 'server' })).toEqual({
      ok: false,
      reason: 'x509: certificate specifies an incompatible key usage',
    });

    // As itself: it registered its Node and holds its Lease, and runs what is scheduled to it.
    const lease = await cluster.admin.get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-join');
    expect((lease.spec as { holderIdentity?: string }).holderIdentity).toBe('node-join');
    await createPod(cluster, 'on-join', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] }, {
      nodeSelector: { 'kubernetes.io/hostname': 'node-join' },
    });
    await waitRunning(cluster, 'on-join');
    const pods = await kubectl(['get', 'pod', 'on-join', '-o', 'jsonpath={.spec.nodeName} {.status.phase}'], { kubeconfig: cluster.adminKubeconfig });
    expect(pods.stdout).toBe('node-join Running');
    expect(kubelet.pods().map((p) => p.metadata.name)).toEqual(['on-join']);
  });

  it('refuses a node’s CSR in another node’s name with NodeRestriction’s text and stores nothing', async () => {
    const before = (await csrs(cluster)).map((c) => c.metadata.name);
    const { csr } = await createCsr({ commonName: 'system:node:node-2', organizations: ['system:nodes'] });
    const r = await kubectl(['create', '-f', '-'], {
      kubeconfig: cluster.paths.nodes['node-1'].kubeconfig,
      input: csrManifest('impostor', csr, ['digital signature', 'client auth']),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): error when creating "STDIN": certificatesigningrequests.certificates.k8s.io "impostor" is forbidden: can only create a node CSR with CN=system:node:node-1',
    );
    expect((await csrs(cluster)).map((c) => c.metadata.name)).toEqual(before);
  });

  it('leaves a bootstrap token’s client CSR with server auth Pending, and the signer fails it once an admin approves', async () => {
    const { csr } = await createCsr({ commonName: 'system:node:sneaky', organizations: ['system:nodes'] });
    const created = await kubectl(['create', '-f', '-'], {
      kubeconfig: tokenKubeconfig,
      input: csrManifest('sneaky', csr, ['digital signature', 'client auth', 'server auth']),
    });
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('certificatesigningrequest.certificates.k8s.io/sneaky created\n');

    // The approver works through CSRs one at a time in arrival order: once a well-formed request filed after
    // this one is approved, the approver has already looked at this one and left it alone.
    const control = await createCsr({ commonName: 'system:node:honest', organizations: ['system:nodes'] });
    await kubectl(['create', '-f', '-'], { kubeconfig: tokenKubeconfig, input: csrManifest('honest', control.csr, ['digital signature', 'client auth']) });
    await waitFor(async () => conditionOf(await kubectl(['get', 'csr', 'honest', '--no-headers'], { kubeconfig: cluster.adminKubeconfig })) === 'Approved,Issued', {
      timeoutMs: 10_000,
      what: 'the control CSR approved and issued',
    });
    const pending = await kubectl(['get', 'csr', 'sneaky', '--no-headers'], { kubeconfig: cluster.adminKubeconfig });
    const [row] = table(pending.stdout);
    expect([row[2], row[3], row[5]]).toEqual([CLIENT_KUBELET_SIGNER, `system:bootstrap:${token.id}`, 'Pending']);

    // kubectl 1.32 sends the CSR to /approval as protobuf (1.31 and older send JSON).
    const approve = await kubectl(['certificate', 'approve', 'sneaky'], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
    expect(approve.stderr).toBe('');
    expect(approve.stdout).toBe('certificatesigningrequest.certificates.k8s.io/sneaky approved\n');
    await waitFor(async () => (await cluster.admin.get(`${CSR_PATH}/sneaky`) as unknown as Csr).status?.conditions?.length === 2, {
      timeoutMs: 10_000,
      what: 'the signer’s verdict',
    });
    const failed = (await cluster.admin.get(`${CSR_PATH}/sneaky`)) as unknown as Csr;
    expect(failed.status?.certificate).toBeUndefined();
    expect(failed.status?.conditions?.map((c) => [c.type, c.reason, c.message])).toEqual([
      ['Approved', 'KubectlApprove', 'This CSR was approved by kubectl certificate approve.'],
      ['Failed', 'SignerValidationFailure', 'usages did not match [client auth digital signature key encipherment]'],
    ]);
    expect(conditionOf(await kubectl(['get', 'csr', 'sneaky', '--no-headers'], { kubeconfig: cluster.adminKubeconfig }))).toBe('Approved,Failed');
  });

  it('lets a bootstrap token read no secrets and list no pods', async () => {
    const user = `system:bootstrap:${token.id}`;
    const secrets = await kubectl(['get', 'secrets', '-n', 'kube-system'], { kubeconfig: tokenKubeconfig });
    expect(secrets.code).toBe(1);
    expect(secrets.stderr.trim()).toBe(
      `Error from server (Forbidden): secrets is forbidden: User "${user}" cannot list resource "secrets" in API group "" in the namespace "kube-system"`,
    );
    const secret = await kubectl(['get', 'secret', token.secretName, '-n', 'kube-system'], { kubeconfig: tokenKubeconfig });
    expect(secret.stderr.trim()).toBe(
      `Error from server (Forbidden): secrets "${token.secretName}" is forbidden: User "${user}" cannot get resource "secrets" in API group "" in the namespace "kube-system"`,
    );
    const pods = await kubectl(['get', 'pods', '-A'], { kubeconfig: tokenKubeconfig });
    expect(pods.stderr.trim()).toBe(
      `Error from server (Forbidden): pods is forbidden: User "${user}" cannot list resource "pods" in API group "" at the cluster scope`,
    );
  });
});

describe('client certificate rotation', () => {
  // The signer backdates NotBefore by five minutes, so an 8 s certificate is already past the 70–90 % mark of
  // its lifetime when it arrives: the kubelet renews it at once, again and again, each time as itself.
  const SIGNING_DURATION_MS = 8_000;
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 0, apiserver: { clusterSigningDurationMs: SIGNING_DURATION_MS } });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('renews the client certificate through auto-approved selfnodeclient CSRs and keeps the node alive past the first one’s expiry', async () => {
    const kubelet = await cluster.joinNode('node-join', { kubelet: { rotateCertificates: true, leaseRenewIntervalMs: 1_000 } });
    const first = await waitFor(async () => kubelet.clientCertificatePem(), { timeoutMs: 10_000, what: 'the bootstrapped certificate' });
    const firstInfo = describeCertificate(first);
    expect(firstInfo.commonName).toBe('system:node:node-join');
    expect(firstInfo.notAfter.getTime() - firstInfo.notBefore.getTime()).toBe(5 * 60_000 + SIGNING_DURATION_MS);

    const renewed = await waitFor(
      async () => {
        const pem = kubelet.clientCertificatePem();
        return pem && pem !== first ? pem : undefined;
      },
      { timeoutMs: 10_000, what: 'a renewed certificate' },
    );
    const renewedInfo = describeCertificate(renewed);
    expect([renewedInfo.commonName, renewedInfo.organizations]).toEqual(['system:node:node-join', ['system:nodes']]);
    expect(renewedInfo.notAfter.getTime()).toBeGreaterThan(firstInfo.notAfter.getTime());
    expect(verifyChain({ leaf: renewed, roots: [cluster.pki.ca.cert], usage: 'client' })).toEqual({ ok: true });

    // The first request came with the bootstrap token; every later one from the node itself, approved as such.
    // With rotation on, the certificate manager files them all, named by generateName `csr-`.
    const all = await csrs(cluster);
    const byBootstrap = all.filter((c) => c.spec.username.startsWith('system:bootstrap:'));
    const byNode = all.filter((c) => c.spec.username === 'system:node:node-join');
    expect(byBootstrap).toHaveLength(1);
    expect(byBootstrap[0].metadata.name).toMatch(/^csr-[a-z0-9]{5}$/);
    expect(byNode.length).toBeGreaterThanOrEqual(1);
    const own = byNode.find((c) => c.status?.certificate && Buffer.from(c.status.certificate, 'base64').toString('utf8') === renewed);
    expect(own?.metadata.name).toMatch(/^csr-[a-z0-9]{5}$/);
    expect(own?.spec.groups).toEqual(['system:nodes', 'system:authenticated']);
    expect(own?.status?.conditions?.map((c) => [c.type, c.reason, c.message])).toEqual([
      ['Approved', 'AutoApproved', 'Auto approving self kubelet client certificate after SubjectAccessReview.'],
    ]);
    const get = await kubectl(['get', 'csr', own!.metadata.name, '--no-headers'], { kubeconfig: cluster.adminKubeconfig });
    expect(table(get.stdout)[0].slice(2)).toEqual([CLIENT_KUBELET_SIGNER, 'system:node:node-join', '<none>', 'Approved,Issued']);

    // Past the first certificate's NotAfter the node still renews its Lease and stays Ready.
    await waitFor(
      async () => {
        const lease = await cluster.admin.get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-join');
        const renewTime = Date.parse((lease.spec as { renewTime: string }).renewTime);
        return renewTime > firstInfo.notAfter.getTime() + 1_000;
      },
      { timeoutMs: 15_000, what: 'a Lease renewal after the first certificate expired' },
    );
    expect(await readyStatus(cluster, 'node-join')).toBe('True');
    const current = describeCertificate(kubelet.clientCertificatePem()!);
    expect(current.notAfter.getTime()).toBeGreaterThan(Date.now());
  });
});
