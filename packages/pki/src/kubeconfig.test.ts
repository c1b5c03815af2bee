import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCA } from './ca.ts';
import type { CertKey } from './cert-key.ts';
import { issueCertificate } from './issue.ts';
import { buildKubeconfig, kubeconfigToYaml } from './kubeconfig.ts';
import { loadKubeconfig } from './load-kubeconfig.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hubspoke-kubeconfig-'));
  dirs.push(dir);
  return dir;
}

describe('kubeconfig', () => {
  let ca: CertKey;
  let admin: CertKey;
  beforeAll(async () => {
    ca = await createCA({});
    admin = await issueCertificate({ ca, commonName: 'kubernetes-admin', organizations: ['system:masters'], usage: 'client' });
  });

  it('builds the standard Config document with embedded base64 data', () => {
    const config = buildKubeconfig({
      clusterName: 'hubspoke',
      server: 'https://127.0.0.1:6443',
      caCert: ca.cert,
      userName: 'kubernetes-admin',
      clientCert: admin.cert,
      clientKey: admin.key,
    });
    const doc = parse(kubeconfigToYaml(config));
    expect(doc).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'kubernetes-admin@hubspoke',
      contexts: [{ name: 'kubernetes-admin@hubspoke', context: { cluster: 'hubspoke', user: 'kubernetes-admin' } }],
      clusters: [{ name: 'hubspoke', cluster: { server: 'https://127.0.0.1:6443' } }],
    });
    expect(Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(ca.cert);
    expect(Buffer.from(doc.users[0].user['client-key-data'], 'base64').toString()).toBe(admin.key);
  });

  it('round-trips build → YAML → load with embedded data', async () => {
    const yaml = kubeconfigToYaml(
      buildKubeconfig({
        clusterName: 'hubspoke',
        server: 'https://127.0.0.1:6443',
        caCert: ca.cert,
        userName: 'kubernetes-admin',
        clientCert: admin.cert,
        clientKey: admin.key,
        namespace: 'kube-system',
      }),
    );
    expect(await loadKubeconfig(yaml)).toEqual({
      contextName: 'kubernetes-admin@hubspoke',
      server: 'https://127.0.0.1:6443',
      caCert: ca.cert,
      clientCert: admin.cert,
      clientKey: admin.key,
      insecureSkipTLSVerify: false,
      namespace: 'kube-system',
    });
  });

  it('resolves file references relative to the kubeconfig\'s folder, not the working directory', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'pki'));
    await Promise.all([
      writeFile(join(dir, 'pki', 'ca.crt'), ca.cert),
      writeFile(join(dir, 'pki', 'admin.crt'), admin.cert),
      writeFile(join(dir, 'pki', 'admin.key'), admin.key),
      writeFile(join(dir, 'token'), 'abc.def\n'),
    ]);
    const withFiles = (extra: object) =>
      kubeconfigToYaml(
        buildKubeconfig({
          clusterName: 'c',
          server: 'https://10.0.0.1:6443',
          caFile: 'pki/ca.crt',
          userName: 'u',
          clientCertFile: 'pki/admin.crt',
          clientKeyFile: join(dir, 'pki', 'admin.key'),
          ...extra,
        }),
      );
    await writeFile(join(dir, 'config'), withFiles({}));
    const loaded = await loadKubeconfig(join(dir, 'config'));
    expect(loaded).toMatchObject({ caCert: ca.cert, clientCert: admin.cert, clientKey: admin.key, server: 'https://10.0.0.1:6443' });

    await writeFile(join(dir, 'token-config'), withFiles({ tokenFile: 'token', clientCertFile: undefined, clientKeyFile: undefined }));
    expect(await loadKubeconfig(join(dir, 'token-config'))).toMatchObject({ token: 'abc.def', caCert: ca.cert });

    // YAML text has no folder of its own; baseDir supplies it.
    await expect(loadKubeconfig(withFiles({}), { baseDir: dir })).resolves.toMatchObject({ clientCert: admin.cert });
    await expect(loadKubeconfig(withFiles({}), { baseDir: join(dir, 'elsewhere') })).rejects.toThrow(
      /^unable to read certificate-authority pki\/ca.crt for c due to ENOENT/,
    );
  });

  it('picks a named context and names what is missing', async () => {
    const two = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'a', cluster: { server: 'https://a:6443', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'tok', user: { token: 'secret' } }],
      contexts: [
        { name: 'good', context: { cluster: 'a', user: 'tok' } },
        { name: 'no-cluster', context: { cluster: 'zzz', user: 'tok' } },
        { name: 'no-user', context: { cluster: 'a', user: 'nobody' } },
      ],
      'current-context': 'missing',
    };
    const yaml = kubeconfigToYaml(two as never);
    await expect(loadKubeconfig(yaml, { context: 'good' })).resolves.toEqual({
      contextName: 'good',
      server: 'https://a:6443',
      token: 'secret',
      insecureSkipTLSVerify: true,
    });
    await expect(loadKubeconfig(yaml)).rejects.toThrow('context was not found for specified context: missing');
    await expect(loadKubeconfig(yaml, { context: 'no-cluster' })).rejects.toThrow(
      'invalid configuration: cluster "zzz" was not found for context "no-cluster"',
    );
    await expect(loadKubeconfig(yaml, { context: 'no-user' })).rejects.toThrow(
      'invalid configuration: user "nobody" was not found for context "no-user"',
    );
    await expect(loadKubeconfig('apiVersion: v1\nkind: Config\n')).rejects.toThrow('current-context is not set');
  });

  it('refuses a CA together with insecure-skip-tls-verify, as kubectl does', () => {
    expect(() =>
      buildKubeconfig({ clusterName: 'c', server: 'https://x', caCert: ca.cert, insecureSkipTLSVerify: true, userName: 'u' }),
    ).toThrow('specifying a root certificates file with the insecure flag is not allowed');
  });
});
