// The real kubelet binary on another "host": started inside a network namespace with a client certificate for
// its node from the cluster CA, joined to an in-process cluster; resolves once the node is Ready.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { waitFor, type Cluster } from '@hubspoke/lab';
import { buildKubeconfig, issueCertificate, kubeconfigToYaml } from '@hubspoke/pki';
import type { Netns, NetnsProcess } from './netns.ts';

const KUBELET_BIN = resolve(import.meta.dirname, '../../packages/kubelet/bin/kubelet.js');

/** Which node, where it listens, and anything else to pass. */
export interface NetnsKubeletOptions {
  netns: Netns;
  cluster: Cluster;
  nodeName: string;
  /** `--node-ip` and `--address`. */
  nodeIP: string;
  port: number;
  podCIDR: string;
  /** A serving certificate (`--tls-cert-file`); default the kubelet's self-signed one. */
  serving?: { cert: string; key: string };
  /** More flags (e.g. `--v=3`); authentication and authorization stay at the flags' defaults otherwise. */
  extraArgs?: string[];
}

/** Start the kubelet; its files live under the cluster's dir, in nodes/<name>. */
export async function startNetnsKubelet(o: NetnsKubeletOptions): Promise<NetnsProcess> {
  const { cluster, nodeName } = o;
  const dir = join(cluster.dir, 'nodes', nodeName);
  await mkdir(join(dir, 'pki'), { recursive: true });
  const client = await issueCertificate({ ca: cluster.pki.ca, commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], usage: 'client' });
  const kubeconfig = buildKubeconfig({ clusterName: 'hubspoke', server: cluster.server, caCert: cluster.pki.ca.cert, userName: `system:node:${nodeName}`, clientCert: client.cert, clientKey: client.key });
  await writeFile(join(dir, 'kubelet.conf'), kubeconfigToYaml(kubeconfig), { mode: 0o600 });
  await writeFile(join(dir, 'ca.crt'), cluster.pki.ca.cert);
  const servingFlags: string[] = [];
  if (o.serving) {
    await writeFile(join(dir, 'pki', 'serving.crt'), o.serving.cert);
    await writeFile(join(dir, 'pki', 'serving.key'), o.serving.key, { mode: 0o600 });
    servingFlags.push(`--tls-cert-file=${join(dir, 'pki', 'serving.crt')}`, `--tls-private-key-file=${join(dir, 'pki', 'serving.key')}`);
  }
  const kubelet = o.netns.spawn(process.execPath, [
    KUBELET_BIN,
    `--kubeconfig=${join(dir, 'kubelet.conf')}`,
    `--hostname-override=${nodeName}`,
    `--node-ip=${o.nodeIP}`,
    `--address=${o.nodeIP}`,
    `--port=${o.port}`,
    '--read-only-port=0',
    `--pod-cidr=${o.podCIDR}`,
    `--root-dir=${join(dir, 'root')}`,
    `--cert-dir=${join(dir, 'pki')}`,
    `--client-ca-file=${join(dir, 'ca.crt')}`,
    ...servingFlags,
    ...(o.extraArgs ?? []),
  ]);
  await waitFor(
    async () => {
      if (kubelet.child.exitCode !== null) throw new Error(`kubelet exited ${kubelet.child.exitCode}:\n${kubelet.output()}`);
      const node = await cluster.admin.get(`/api/v1/nodes/${nodeName}`).catch(() => undefined);
      const conditions = (node?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
      return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    },
    { timeoutMs: 20_000, what: `node ${nodeName} Ready` },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nkubelet output:\n${kubelet.output()}`);
  });
  return kubelet;
}
