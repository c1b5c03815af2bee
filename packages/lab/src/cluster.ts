// The in-process cluster: fresh PKI, an apiserver and N kubelets on one host, started in one call. Used by
// this repository's tests, by `hubspoke up`, and by anyone's integration tests.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstServiceIP, startApiserver, type ApiserverHandle, type ApiserverOptions } from '@hubspoke/apiserver';
import { createClient, type ApiClient } from '@hubspoke/client';
import { startKubelet, type KubeletHandle, type KubeletConfigInput } from '@hubspoke/kubelet';
import { buildKubeconfig, createClusterPki, kubeconfigToYaml, writeClusterPki, type ClusterPki, type PkiPaths } from '@hubspoke/pki';
import type { Logger } from 'pino';
import { waitFor } from './wait.ts';

/** A static token for `--token-auth-file`. */
export interface StaticToken {
  token: string;
  user: string;
  uid?: string;
  groups?: string[];
}

/** What to start. Every field is optional. */
export interface ClusterOptions {
  /** Node names, or a count (`node-1` … `node-N`). Default 2. */
  nodes?: number | string[];
  /** Overrides of the apiserver's options (any kube-apiserver flag). */
  apiserver?: Partial<ApiserverOptions>;
  /** Overrides applied to every kubelet, or per node name. */
  kubelet?: Partial<KubeletConfigInput> | ((node: string, index: number) => Partial<KubeletConfigInput>);
  /** Static tokens written to the token-auth-file. */
  tokens?: StaticToken[];
  /** Extra client-certificate users (CN = name, O = groups); kubeconfigs under users/. */
  users?: { name: string; groups: string[] }[];
  /** Where PKI and kubeconfigs go; a temp dir (removed on close) when absent. */
  dir?: string;
  /** Node addresses: node i gets `${nodeAddressPrefix}.${i + 1}` (default 127.0.10). */
  nodeAddressPrefix?: string;
  /** Kubelet port; 0 (default) = any free port, since nodes share the host in tests. */
  kubeletPort?: number;
  /**
   * Kubelet serving certificates: `self-signed` (Kubernetes' default, and this one's: each kubelet makes its
   * own) or `cluster-ca` (signed by the cluster CA with the node's address, so --kubelet-certificate-authority
   * can verify them).
   */
  kubeletServingCerts?: 'self-signed' | 'cluster-ca';
  /** Give the apiserver `--kubelet-certificate-authority` = the cluster CA (default false, as Kubernetes). */
  verifyKubelets?: boolean;
  /** Wait until every node is Ready (default true). */
  waitReady?: boolean;
  logger?: Logger;
}

/** A running cluster. */
export interface Cluster {
  dir: string;
  pki: ClusterPki;
  paths: PkiPaths;
  apiserver: ApiserverHandle;
  kubelets: KubeletHandle[];
  /** `https://127.0.0.1:port`. */
  server: string;
  /** Path of the admin kubeconfig (system:masters). */
  adminKubeconfig: string;
  /** Path of the static token file, when tokens were given. */
  tokenFile?: string;
  /** Per token user, a kubeconfig that authenticates with that token only (no client certificate). */
  tokenKubeconfigs: Record<string, string>;
  /** A client as the admin. */
  admin: ApiClient;
  /** A client with a bearer token. */
  clientWithToken(token: string): ApiClient;
  close(): Promise<void>;
}

/** The service range the single-host lab uses: ClusterIPs on loopback, so kube-proxy can bind them without root. */
export const LAB_SERVICE_RANGE = '127.96.0.0/16';

/** Start a cluster; resolves when every node is Ready. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const names = typeof options.nodes === 'number' || options.nodes === undefined
    ? Array.from({ length: options.nodes ?? 2 }, (_, i) => `node-${i + 1}`)
    : options.nodes;
  const prefix = options.nodeAddressPrefix ?? '127.0.10';
  const ownDir = !options.dir;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'hubspoke-')));
  const serviceRange = options.apiserver?.serviceClusterIPRange ?? LAB_SERVICE_RANGE;
  const serviceIP = firstServiceIP(serviceRange);
  const nodes = names.map((name, i) => ({ name, address: `${prefix}.${i + 1}` }));

  const pki = await createClusterPki({
    apiserver: { ipAddresses: ['127.0.0.1'] },
    serviceClusterIP: serviceIP,
    nodes: nodes.map((n) => ({ name: n.name, addresses: [n.address] })),
    users: options.users,
  });

  const tokenCsv = (options.tokens ?? [])
    .map((t) => `${t.token},${t.user},${t.uid ?? t.user},"${(t.groups ?? []).join(',')}"`)
    .join('\n');
  const apiserver = await startApiserver(
    {
      bindAddress: '127.0.0.1',
      securePort: 0,
      tlsCert: pki.apiserver.cert,
      tlsKey: pki.apiserver.key,
      clientCA: pki.ca.cert,
      rootCA: pki.ca.cert,
      authorizationModes: ['Node', 'RBAC'],
      enableBootstrapTokenAuth: true,
      serviceAccountKeys: [pki.serviceAccount.publicKey],
      serviceAccountSigningKey: pki.serviceAccount.privateKey,
      serviceClusterIPRange: serviceRange,
      kubeletClientCert: pki.apiserverKubeletClient.cert,
      kubeletClientKey: pki.apiserverKubeletClient.key,
      tokenAuthFile: tokenCsv || undefined,
      // What kubeadm sets: lab node names do not resolve, their addresses do.
      kubeletPreferredAddressTypes: ['InternalIP', 'ExternalIP', 'Hostname'],
      proxyAllowLoopback: true, // lab deviation: pods live on 127.x (Kubernetes refuses loopback proxy targets)
      ...(options.verifyKubelets ? { kubeletCertificateAuthority: pki.ca.cert } : {}),
      ...options.apiserver,
    },
    { logger: options.logger },
  );
  const server = apiserver.url;
  const paths = await writeClusterPki(dir, pki, { server });
  let tokenFile: string | undefined;
  const tokenKubeconfigs: Record<string, string> = {};
  if (tokenCsv) {
    tokenFile = join(dir, 'tokens.csv');
    await writeFile(tokenFile, `${tokenCsv}\n`, { mode: 0o600 });
    await mkdir(join(dir, 'users'), { recursive: true });
    for (const t of options.tokens ?? []) {
      const path = join(dir, 'users', `${t.user}.token.conf`);
      const config = buildKubeconfig({ clusterName: 'hubspoke', server, caCert: pki.ca.cert, userName: t.user, token: t.token });
      await writeFile(path, kubeconfigToYaml(config), { mode: 0o600 });
      tokenKubeconfigs[t.user] = path;
    }
  }

  const kubelets: KubeletHandle[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.allSettled(kubelets.map((k) => k.stop()));
    await apiserver.close();
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const started = await Promise.all(
      nodes.map((n, i) => {
        const perNode = typeof options.kubelet === 'function' ? options.kubelet(n.name, i) : options.kubelet ?? {};
        return startKubelet({
          nodeName: n.name,
          nodeIP: n.address,
          address: n.address,
          port: options.kubeletPort ?? 0,
          readOnlyPort: 0,
          podCIDR: `127.244.${i + 1}.0/24`,
          rootDir: join(dir, 'nodes', n.name, 'root'),
          kubeconfig: { server, caCert: pki.ca.cert, clientCert: pki.nodes[n.name].client.cert, clientKey: pki.nodes[n.name].client.key },
          // --client-ca-file, as kubeadm configures it: the apiserver's kubelet client certificate verifies.
          clientCA: pki.ca.cert,
          ...(options.kubeletServingCerts === 'cluster-ca'
            ? { tlsCert: pki.nodes[n.name].serving.cert, tlsPrivateKey: pki.nodes[n.name].serving.key }
            : {}),
          logLevel: 'silent',
          ...perNode,
        }, { logger: options.logger });
      }),
    );
    kubelets.push(...started);
    const admin = createClient({ server, caCert: pki.ca.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key });
    if (options.waitReady ?? true) {
      await waitFor(async () => {
        const list = await admin.list('/api/v1/nodes');
        const ready = list.items.filter((n) =>
          ((n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
            (c) => c.type === 'Ready' && c.status === 'True',
          ),
        );
        return ready.length === names.length;
      }, { timeoutMs: 30_000, what: `${names.length} Ready nodes` });
    }
    return {
      dir,
      pki,
      paths,
      apiserver,
      kubelets,
      server,
      adminKubeconfig: paths.adminKubeconfig,
      tokenFile,
      tokenKubeconfigs,
      admin,
      clientWithToken: (token) => createClient({ server, caCert: pki.ca.cert, token }),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
