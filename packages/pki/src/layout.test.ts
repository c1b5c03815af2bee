import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate } from './cert-info.ts';
import { createClusterPki, type ClusterPki } from './cluster-pki.ts';
import { writeClusterPki, type PkiPaths } from './layout.ts';
import { loadKubeconfig } from './load-kubeconfig.ts';

describe('writeClusterPki', () => {
  let dir: string;
  let pki: ClusterPki;
  let paths: PkiPaths;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hubspoke-pki-'));
    pki = await createClusterPki({
      apiserver: { ipAddresses: ['10.0.0.1'] },
      serviceClusterIP: '10.96.0.1',
      nodes: [{ name: 'node-a', addresses: ['10.0.0.5'] }],
      users: [{ name: 'jane', groups: ['dev'] }],
    });
    paths = await writeClusterPki(dir, pki, { server: 'https://10.0.0.1:6443' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lays files out as kubeadm does, under the given folder', () => {
    expect(paths).toMatchObject({
      caCert: join(dir, 'pki/ca.crt'),
      caKey: join(dir, 'pki/ca.key'),
      apiserverCert: join(dir, 'pki/apiserver.crt'),
      apiserverKubeletClientKey: join(dir, 'pki/apiserver-kubelet-client.key'),
      serviceAccountKey: join(dir, 'pki/sa.key'),
      serviceAccountPub: join(dir, 'pki/sa.pub'),
      adminKubeconfig: join(dir, 'admin.conf'),
      nodes: {
        'node-a': {
          kubeconfig: join(dir, 'nodes/node-a/kubelet.conf'),
          servingCert: join(dir, 'nodes/node-a/pki/kubelet.crt'),
          clientKey: join(dir, 'nodes/node-a/pki/kubelet-client.key'),
        },
      },
      users: { jane: join(dir, 'users/jane.conf') },
    });
  });

  it('writes private keys and kubeconfigs with mode 0600 and certificates readable', async () => {
    const mode = async (path: string) => (await stat(path)).mode & 0o777;
    const secrets = [
      paths.caKey,
      paths.apiserverKey,
      paths.apiserverKubeletClientKey,
      paths.serviceAccountKey,
      paths.adminKubeconfig,
      paths.nodes['node-a'].servingKey,
      paths.nodes['node-a'].clientKey,
      paths.nodes['node-a'].kubeconfig,
      paths.users.jane,
    ];
    for (const path of secrets) expect(await mode(path), path).toBe(0o600);
    expect(await mode(paths.caCert)).toBe(0o644);
    expect(await mode(paths.serviceAccountPub)).toBe(0o644);
    expect(await readFile(paths.caKey, 'utf8')).toBe(pki.ca.key);
  });

  it('writes an admin.conf with context kubernetes-admin@hubspoke and embedded credentials', async () => {
    const admin = await loadKubeconfig(paths.adminKubeconfig);
    expect(admin).toMatchObject({ contextName: 'kubernetes-admin@hubspoke', server: 'https://10.0.0.1:6443', caCert: pki.ca.cert });
    expect(describeCertificate(admin.clientCert!)).toMatchObject({ commonName: 'kubernetes-admin', organizations: ['system:masters'] });
  });

  it('writes a kubelet.conf whose relative certificate paths resolve to the node\'s own files', async () => {
    const kubelet = await loadKubeconfig(paths.nodes['node-a'].kubeconfig);
    expect(kubelet.contextName).toBe('system:node:node-a@hubspoke');
    expect(kubelet.clientCert).toBe(pki.nodes['node-a'].client.cert);
    expect(kubelet.clientKey).toBe(pki.nodes['node-a'].client.key);
    const user = await loadKubeconfig(paths.users.jane);
    expect(describeCertificate(user.clientCert!)).toMatchObject({ commonName: 'jane', organizations: ['dev'] });
  });

  it('refuses node names that would escape the folder', async () => {
    const evil = { ...pki, nodes: { '../x': pki.nodes['node-a'] } };
    await expect(writeClusterPki(dir, evil, { server: 'https://x' })).rejects.toThrow('node name "../x" cannot be used as a file name');
  });
});
