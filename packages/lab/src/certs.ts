// `hubspoke certs`: a cluster's credentials on disk, for starting the binaries by hand or from
// docker-compose.yml: the PKI and kubeconfigs (kubeadm-like layout; keys 0600), the lab's token file, and what
// each egress needs — Konnectivity certificates and an EgressSelectorConfiguration, or SSH keys for tunnels.
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildKubeconfig,
  createClusterPki,
  issueCertificate,
  kubeconfigToYaml,
  writeClusterPki,
  type ClusterPki,
  type PkiPaths,
} from '@hubspoke/pki';
import { generateHostKeyPem } from '@hubspoke/sshd';
import { LAB_TOKENS } from './demo.ts';
import { egressSelectorConfiguration, LAB_SSH_USER, publicKeyLine } from './egress.ts';

/** Options of `hubspoke certs`. */
export interface CertsOptions {
  dir: string;
  /** Addresses the apiserver is reached at (SANs), e.g. its container IP; also the konnectivity-server's. */
  apiserverAddresses: string[];
  /** The URL written into admin.conf (used from outside the cluster). */
  server: string;
  /** The URL written into the kubelets' and kube-proxy's kubeconfigs (default: `server`). */
  nodeServer?: string;
  serviceClusterIP: string;
  /** `name=address` pairs. */
  nodes: { name: string; address: string }[];
  /** The socket the konnectivity-server serves the apiserver on, named in the egress configuration. */
  konnectivityUdsName?: string;
}

/** Where kubeadm's Konnectivity guide puts the konnectivity-server's socket. */
export const KONNECTIVITY_UDS_NAME = '/etc/kubernetes/konnectivity-server/konnectivity-server.socket';

/** What `writeCerts` wrote besides the cluster PKI. */
export interface CertsPaths extends PkiPaths {
  tokenFile: string;
  /** kube-proxy's kubeconfig (user system:kube-proxy, bound to system:node-proxier). */
  kubeProxyKubeconfig: string;
  konnectivity: {
    /** Served to the agents; SANs are the apiserver's addresses (the server runs beside the apiserver). */
    serverCert: string;
    serverKey: string;
    /** The agents' client certificate (CN system:konnectivity-agent). */
    agentCert: string;
    agentKey: string;
    /** HTTPConnect over the Unix socket, for `--egress-selector-config-file`. */
    egressSelectorConfig: string;
  };
  ssh: {
    /** The apiserver's `--ssh-keyfile` (OpenSSH ed25519). */
    apiserverKey: string;
    /** The sshds' `--authorized-keys-file`: the apiserver's public key, for `LAB_SSH_USER` only. */
    authorizedKeys: string;
    /** The apiserver's `--ssh-known-hosts-file`: every node's host key under its name and address. */
    knownHosts: string;
    /** Each node's sshd `--host-key-file`, by node name. */
    hostKeys: Record<string, string>;
  };
}

const PUBLIC = 0o644;
const SECRET = 0o600;

/**
 * Whether `dir` already holds a cluster CA (`pki/ca.crt` and `pki/ca.key`): `hubspoke certs --keep-existing` then
 * writes nothing, because `docker compose up` reruns the one-shot certs service on every `up`, and a new CA would
 * strand every component that keeps running with the old one.
 */
export function hasClusterCA(dir: string): boolean {
  return existsSync(join(dir, 'pki', 'ca.crt')) && existsSync(join(dir, 'pki', 'ca.key'));
}

/** Write the PKI, kubeconfigs, the lab's token file, and the Konnectivity and SSH credentials; returns the paths. */
export async function writeCerts(opts: CertsOptions): Promise<CertsPaths> {
  const pki = await createClusterPki({
    apiserver: { ipAddresses: ['127.0.0.1', ...opts.apiserverAddresses], dnsNames: ['apiserver'] },
    serviceClusterIP: opts.serviceClusterIP,
    nodes: opts.nodes.map((n) => ({ name: n.name, addresses: [n.address] })),
  });
  // Node kubeconfigs get the in-cluster URL; admin.conf, written again below, the one reachable from outside.
  const nodeServer = opts.nodeServer ?? opts.server;
  const paths = await writeClusterPki(opts.dir, pki, { server: nodeServer });
  const kubeconfig = (userName: string, cert: { cert: string; key: string }, server: string): string =>
    kubeconfigToYaml(buildKubeconfig({ clusterName: 'hubspoke', server, caCert: pki.ca.cert, userName, clientCert: cert.cert, clientKey: cert.key }));
  const tokenFile = join(opts.dir, 'tokens.csv');
  const kubeProxyKubeconfig = join(opts.dir, 'kube-proxy.conf');
  const kubeProxy = await issueCertificate({ ca: pki.ca, commonName: 'system:kube-proxy', usage: 'client' });
  await Promise.all([
    write(paths.adminKubeconfig, kubeconfig('kubernetes-admin', pki.admin, opts.server), SECRET),
    write(kubeProxyKubeconfig, kubeconfig('system:kube-proxy', kubeProxy, nodeServer), SECRET),
    write(tokenFile, LAB_TOKENS.map((t) => `${t.token},${t.user},${t.uid},"${(t.groups ?? []).join(',')}"`).join('\n') + '\n', SECRET),
  ]);
  const [konnectivity, ssh] = await Promise.all([writeKonnectivity(opts, pki), writeSsh(opts)]);
  return { ...paths, tokenFile, kubeProxyKubeconfig, konnectivity, ssh };
}

async function writeKonnectivity(opts: CertsOptions, pki: ClusterPki): Promise<CertsPaths['konnectivity']> {
  const [server, agent] = await Promise.all([
    issueCertificate({ ca: pki.ca, commonName: 'konnectivity-server', ipAddresses: ['127.0.0.1', ...opts.apiserverAddresses], dnsNames: ['konnectivity-server', 'apiserver'], usage: 'server' }),
    issueCertificate({ ca: pki.ca, commonName: 'system:konnectivity-agent', usage: 'client' }),
  ]);
  const pkiDir = join(opts.dir, 'pki');
  const out = {
    serverCert: join(pkiDir, 'konnectivity-server.crt'),
    serverKey: join(pkiDir, 'konnectivity-server.key'),
    agentCert: join(pkiDir, 'konnectivity-agent.crt'),
    agentKey: join(pkiDir, 'konnectivity-agent.key'),
    egressSelectorConfig: join(opts.dir, 'egress-selector-configuration.yaml'),
  };
  await Promise.all([
    write(out.serverCert, server.cert, PUBLIC),
    write(out.serverKey, server.key, SECRET),
    write(out.agentCert, agent.cert, PUBLIC),
    write(out.agentKey, agent.key, SECRET),
    write(out.egressSelectorConfig, egressSelectorConfiguration(opts.konnectivityUdsName ?? KONNECTIVITY_UDS_NAME), PUBLIC),
  ]);
  return out;
}

async function writeSsh(opts: CertsOptions): Promise<CertsPaths['ssh']> {
  const sshDir = join(opts.dir, 'ssh');
  await mkdir(sshDir, { recursive: true });
  const apiserverPem = generateHostKeyPem(LAB_SSH_USER);
  const out: CertsPaths['ssh'] = {
    apiserverKey: join(sshDir, 'id_ed25519'),
    authorizedKeys: join(sshDir, 'authorized_keys'),
    knownHosts: join(sshDir, 'known_hosts'),
    hostKeys: {},
  };
  const knownHosts: string[] = [];
  const writes = [
    write(out.apiserverKey, apiserverPem, SECRET),
    write(out.authorizedKeys, `${publicKeyLine(apiserverPem)} ${LAB_SSH_USER}\n`, PUBLIC),
  ];
  for (const node of opts.nodes) {
    const nodeSshDir = join(opts.dir, 'nodes', node.name, 'ssh');
    await mkdir(nodeSshDir, { recursive: true });
    const hostPem = generateHostKeyPem(`root@${node.name}`);
    out.hostKeys[node.name] = join(nodeSshDir, 'ssh_host_ed25519_key');
    // The tunneler dials a node's address; its name is listed too, for an operator's own `ssh`.
    knownHosts.push(`${node.address},${node.name} ${publicKeyLine(hostPem)}`);
    writes.push(write(out.hostKeys[node.name], hostPem, SECRET));
  }
  writes.push(write(out.knownHosts, knownHosts.join('\n') + '\n', PUBLIC));
  await Promise.all(writes);
  return out;
}

// writeFile's mode applies only when it creates the file; chmod also tightens a file left by an earlier run.
async function write(path: string, data: string, mode: number): Promise<void> {
  await writeFile(path, data, { mode });
  await chmod(path, mode);
}
