import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate, loadKubeconfig, verifyChain } from '@hubspoke/pki';
import { loadHostKey } from '@hubspoke/sshd';
import { hasClusterCA, writeCerts, type CertsPaths } from './certs.ts';

const NODES = [
  { name: 'node-1', address: '172.28.0.11' },
  { name: 'node-2', address: '172.28.0.12' },
];

describe('writeCerts', () => {
  let dir: string;
  let paths: CertsPaths;
  let ca: string;
  const read = (path: string) => readFile(path, 'utf8');
  const publicKey = async (path: string) => loadHostKey(await read(path)).parsed.getPublicSSH().toString('base64');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hubspoke-certs-'));
    paths = await writeCerts({
      dir,
      apiserverAddresses: ['172.28.0.10'],
      server: 'https://127.0.0.1:6443',
      nodeServer: 'https://172.28.0.10:443',
      serviceClusterIP: '127.96.0.1',
      nodes: NODES,
      konnectivityUdsName: '/run/konnectivity/socket',
    });
    ca = await read(paths.caCert);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('points admin.conf at the outside URL and the node components at the in-cluster one', async () => {
    expect((await loadKubeconfig(paths.adminKubeconfig)).server).toBe('https://127.0.0.1:6443');
    for (const node of NODES) expect((await loadKubeconfig(paths.nodes[node.name].kubeconfig)).server).toBe('https://172.28.0.10:443');
    const proxy = await loadKubeconfig(paths.kubeProxyKubeconfig);
    expect(proxy.server).toBe('https://172.28.0.10:443');
    expect(describeCertificate(proxy.clientCert!).commonName).toBe('system:kube-proxy');
    expect(verifyChain({ leaf: proxy.clientCert!, roots: [ca], usage: 'client' })).toEqual({ ok: true });
  });

  it('recognises a folder that already holds a cluster CA, and only that', async () => {
    expect(hasClusterCA(dir)).toBe(true);
    const empty = await mkdtemp(join(tmpdir(), 'hubspoke-certs-'));
    try {
      expect(hasClusterCA(empty)).toBe(false);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('writes each node a cluster-CA serving certificate for its name and address (for --tls-cert-file)', async () => {
    for (const node of NODES) {
      const serving = await read(paths.nodes[node.name].servingCert);
      expect(verifyChain({ leaf: serving, roots: [ca], usage: 'server' })).toEqual({ ok: true });
      const info = describeCertificate(serving);
      expect(info.commonName).toBe(`system:node:${node.name}`);
      expect(info.organizations).toEqual(['system:nodes']);
      expect(info.ipAddresses).toContain(node.address);
    }
  });

  it('uses the one URL everywhere when no node URL is given', async () => {
    const other = await mkdtemp(join(tmpdir(), 'hubspoke-certs-'));
    try {
      const written = await writeCerts({ dir: other, apiserverAddresses: [], server: 'https://127.0.0.1:7443', serviceClusterIP: '10.96.0.1', nodes: NODES.slice(0, 1) });
      expect((await loadKubeconfig(written.nodes['node-1'].kubeconfig)).server).toBe('https://127.0.0.1:7443');
      expect((await loadKubeconfig(written.kubeProxyKubeconfig)).server).toBe('https://127.0.0.1:7443');
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('issues the konnectivity-server a serving certificate for the apiserver address and the agents a client one', async () => {
    const server = await read(paths.konnectivity.serverCert);
    expect(describeCertificate(server).ipAddresses).toContain('172.28.0.10');
    expect(verifyChain({ leaf: server, roots: [ca], usage: 'server' })).toEqual({ ok: true });
    const agent = await read(paths.konnectivity.agentCert);
    expect(describeCertificate(agent).commonName).toBe('system:konnectivity-agent');
    expect(verifyChain({ leaf: agent, roots: [ca], usage: 'client' })).toEqual({ ok: true });
    expect(verifyChain({ leaf: agent, roots: [ca], usage: 'server' }).ok).toBe(false);
  });

  it('configures the cluster egress as HTTP CONNECT over the given socket', async () => {
    const config = parse(await read(paths.konnectivity.egressSelectorConfig));
    expect(config).toEqual({
      apiVersion: 'apiserver.k8s.io/v1beta1',
      kind: 'EgressSelectorConfiguration',
      egressSelections: [{ name: 'cluster', connection: { proxyProtocol: 'HTTPConnect', transport: { uds: { udsName: '/run/konnectivity/socket' } } } }],
    });
  });

  it("authorizes only the apiserver's SSH key, for the kube-apiserver user", async () => {
    const lines = (await read(paths.ssh.authorizedKeys)).trim().split('\n');
    expect(lines).toEqual([`ssh-ed25519 ${await publicKey(paths.ssh.apiserverKey)} kube-apiserver`]);
  });

  it("lists each node's own host key under its address and name in known_hosts", async () => {
    const lines = (await read(paths.ssh.knownHosts)).trim().split('\n');
    expect(lines).toHaveLength(NODES.length);
    const keys = new Set<string>();
    for (const node of NODES) {
      const key = await publicKey(paths.ssh.hostKeys[node.name]);
      keys.add(key);
      expect(lines).toContain(`${node.address},${node.name} ssh-ed25519 ${key}`);
    }
    expect(keys.size).toBe(NODES.length);
    expect(keys.has(await publicKey(paths.ssh.apiserverKey))).toBe(false);
  });

  it('keeps private keys and kubeconfigs readable by their owner only', async () => {
    const secrets = [
      paths.konnectivity.serverKey,
      paths.konnectivity.agentKey,
      paths.ssh.apiserverKey,
      ...Object.values(paths.ssh.hostKeys),
      paths.kubeProxyKubeconfig,
      paths.adminKubeconfig,
      paths.tokenFile,
    ];
    for (const file of secrets) expect((await stat(file)).mode & 0o777, file).toBe(0o600);
    expect((await stat(paths.ssh.knownHosts)).mode & 0o777).toBe(0o644);
  });
});
