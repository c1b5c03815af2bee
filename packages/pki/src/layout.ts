// The cluster PKI on disk, in kubeadm's layout (/etc/kubernetes), plus per-node kubelet folders.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeUserName, type ClusterPki } from './cluster-pki.ts';
import { buildKubeconfig, kubeconfigToYaml } from './kubeconfig.ts';

/** Where the apiserver is reachable from the kubeconfigs, and the cluster's name in them. */
export interface WriteClusterPkiOptions {
  server: string;
  clusterName?: string;
}

/** A node's files: its kubeconfig and its two certificate/key pairs. */
export interface NodePkiPaths {
  kubeconfig: string;
  servingCert: string;
  servingKey: string;
  clientCert: string;
  clientKey: string;
}

/** Absolute-or-as-given paths of everything written, by role. */
export interface PkiPaths {
  dir: string;
  caCert: string;
  caKey: string;
  apiserverCert: string;
  apiserverKey: string;
  apiserverKubeletClientCert: string;
  apiserverKubeletClientKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  adminKubeconfig: string;
  nodes: Record<string, NodePkiPaths>;
  users: Record<string, string>;
}

const PUBLIC = 0o644;
const SECRET = 0o600;

/**
 * Writes `pki/{ca,apiserver,apiserver-kubelet-client}.{crt,key}`, `pki/sa.{key,pub}`, `admin.conf`,
 * `nodes/NAME/{kubelet.conf,pki/kubelet{,-client}.{crt,key}}` and `users/NAME.conf`. Keys and kubeconfigs
 * (which embed or point at keys) are mode 0600. Node kubeconfigs reference their client cert files by
 * relative path, as kubeadm's kubelet.conf does, so the kubelet picks up a rotated certificate.
 */
export async function writeClusterPki(dir: string, pki: ClusterPki, options: WriteClusterPkiOptions): Promise<PkiPaths> {
  const clusterName = options.clusterName ?? 'hubspoke';
  // Validate every name before the first write, so a bad one leaves nothing half-written behind.
  for (const name of Object.keys(pki.nodes)) assertSafeFileName(name, 'node');
  for (const name of Object.keys(pki.users)) assertSafeFileName(name, 'user');
  const pkiDir = join(dir, 'pki');
  await mkdir(pkiDir, { recursive: true });

  const paths: PkiPaths = {
    dir,
    caCert: join(pkiDir, 'ca.crt'),
    caKey: join(pkiDir, 'ca.key'),
    apiserverCert: join(pkiDir, 'apiserver.crt'),
    apiserverKey: join(pkiDir, 'apiserver.key'),
    apiserverKubeletClientCert: join(pkiDir, 'apiserver-kubelet-client.crt'),
    apiserverKubeletClientKey: join(pkiDir, 'apiserver-kubelet-client.key'),
    serviceAccountKey: join(pkiDir, 'sa.key'),
    serviceAccountPub: join(pkiDir, 'sa.pub'),
    adminKubeconfig: join(dir, 'admin.conf'),
    nodes: {},
    users: {},
  };
  const kubeconfig = (userName: string, credentials: { clientCert?: string; clientKey?: string; clientCertFile?: string; clientKeyFile?: string }) =>
    kubeconfigToYaml(buildKubeconfig({ clusterName, server: options.server, caCert: pki.ca.cert, userName, ...credentials }));

  const writes: Promise<void>[] = [
    write(paths.caCert, pki.ca.cert, PUBLIC),
    write(paths.caKey, pki.ca.key, SECRET),
    write(paths.apiserverCert, pki.apiserver.cert, PUBLIC),
    write(paths.apiserverKey, pki.apiserver.key, SECRET),
    write(paths.apiserverKubeletClientCert, pki.apiserverKubeletClient.cert, PUBLIC),
    write(paths.apiserverKubeletClientKey, pki.apiserverKubeletClient.key, SECRET),
    write(paths.serviceAccountKey, pki.serviceAccount.privateKey, SECRET),
    write(paths.serviceAccountPub, pki.serviceAccount.publicKey, PUBLIC),
    write(paths.adminKubeconfig, kubeconfig('kubernetes-admin', { clientCert: pki.admin.cert, clientKey: pki.admin.key }), SECRET),
  ];

  for (const [name, node] of Object.entries(pki.nodes)) {
    const nodeDir = join(dir, 'nodes', name);
    await mkdir(join(nodeDir, 'pki'), { recursive: true });
    const nodePaths: NodePkiPaths = {
      kubeconfig: join(nodeDir, 'kubelet.conf'),
      servingCert: join(nodeDir, 'pki', 'kubelet.crt'),
      servingKey: join(nodeDir, 'pki', 'kubelet.key'),
      clientCert: join(nodeDir, 'pki', 'kubelet-client.crt'),
      clientKey: join(nodeDir, 'pki', 'kubelet-client.key'),
    };
    paths.nodes[name] = nodePaths;
    const conf = kubeconfig(nodeUserName(name), { clientCertFile: 'pki/kubelet-client.crt', clientKeyFile: 'pki/kubelet-client.key' });
    writes.push(
      write(nodePaths.kubeconfig, conf, SECRET),
      write(nodePaths.servingCert, node.serving.cert, PUBLIC),
      write(nodePaths.servingKey, node.serving.key, SECRET),
      write(nodePaths.clientCert, node.client.cert, PUBLIC),
      write(nodePaths.clientKey, node.client.key, SECRET),
    );
  }

  const users = Object.entries(pki.users);
  if (users.length > 0) await mkdir(join(dir, 'users'), { recursive: true });
  for (const [name, cert] of users) {
    paths.users[name] = join(dir, 'users', `${name}.conf`);
    writes.push(write(paths.users[name], kubeconfig(name, { clientCert: cert.cert, clientKey: cert.key }), SECRET));
  }

  await Promise.all(writes);
  return paths;
}

// writeFile's mode applies only when it creates the file; chmod also tightens a file left by an earlier run.
async function write(path: string, data: string, mode: number): Promise<void> {
  await writeFile(path, data, { mode });
  await chmod(path, mode);
}

// Node and user names become path segments; refuse the ones that would escape or nest.
function assertSafeFileName(name: string, kind: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new Error(`${kind} name ${JSON.stringify(name)} cannot be used as a file name`);
  }
}
