// The in-process cluster: fresh PKI, an apiserver and N kubelets on one host, started in one call. Used by
// this repository's tests, by `hubspoke up`, and by anyone's integration tests.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstServiceIP, startApiserver, type ApiserverHandle, type ApiserverOptions } from '@hubspoke/apiserver';
import { createClient, type ApiClient } from '@hubspoke/client';
import { startKubeProxy, type KubeProxyHandle, type KubeProxyOptions } from '@hubspoke/kube-proxy';
import { startKubelet, type KubeletHandle, type KubeletConfigInput } from '@hubspoke/kubelet';
import { buildKubeconfig, createClusterPki, kubeconfigToYaml, writeClusterPki, type ClusterPki, type PkiPaths } from '@hubspoke/pki';
import { pino, type Logger } from 'pino';
import { createBootstrapToken, ensureKubeadmBootstrapRbac, type BootstrapToken } from './bootstrap-token.ts';
import { startEgress, type EgressMode, type LabKonnectivity, type LabSshTunnels } from './egress.ts';
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
  /**
   * Run one kube-proxy for the host (user space: it listens on every ClusterIP:port), as `system:kube-proxy`.
   * Default false in tests, whose clusters share the host: give each its own `apiserver.serviceClusterIPRange`.
   * The `kubernetes` Service listens on port 443, which needs root (or net.ipv4.ip_unprivileged_port_start).
   */
  kubeProxy?: boolean;
  /** Wait until every node is Ready (default true). */
  waitReady?: boolean;
  /**
   * How the apiserver reaches the nodes (kubelets, node/pod/service proxies): `direct` (default), `konnectivity`
   * (a server on a UDS in `dir`, one agent per node) or `ssh` (one sshd per node, all on one port).
   */
  egress?: EgressMode;
  /**
   * The address the control plane serves nodes on (default 127.0.0.1): the apiserver and the Konnectivity
   * server's agent port bind it, and it is a SAN of their certificates. Nodes in other network namespaces need
   * an address they can route to.
   */
  controlPlaneAddress?: string;
  /** Options of the host's kube-proxy (its health and metrics addresses), when `kubeProxy` is on. */
  kubeProxyOptions?: Partial<Omit<KubeProxyOptions, 'client'>>;
  /** Called as each stage starts (`hubspoke up` prints them). */
  onProgress?: (stage: string) => void;
  logger?: Logger;
}

/** A running cluster. */
export interface Cluster {
  dir: string;
  pki: ClusterPki;
  paths: PkiPaths;
  apiserver: ApiserverHandle;
  kubelets: KubeletHandle[];
  /** `https://<controlPlaneAddress>:port`. */
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
  /** The host's kube-proxy, when `kubeProxy` was asked for. */
  kubeProxy?: KubeProxyHandle;
  /** The Konnectivity server and its agents, when `egress: 'konnectivity'`. */
  konnectivity?: LabKonnectivity;
  /** The nodes' sshds and their controls, when `egress: 'ssh'`. */
  ssh?: LabSshTunnels;
  /** `kubeadm token create`: a bootstrap token for joining nodes. */
  createBootstrapToken(opts?: { ttlSeconds?: number }): Promise<BootstrapToken>;
  /**
   * `kubeadm join`: a new node that has only a bootstrap token. Its kubelet creates a CSR, which the control
   * plane approves and signs, writes its own kubeconfig and runs as `system:node:<name>`.
   */
  joinNode(name: string, opts?: JoinNodeOptions): Promise<KubeletHandle>;
  close(): Promise<void>;
}

/** How `joinNode` starts a kubelet. */
export interface JoinNodeOptions {
  /** The token to present (default: a fresh one from createBootstrapToken). */
  token?: string;
  /** The node's address (default: the next free `${nodeAddressPrefix}.N`). */
  address?: string;
  /** Overrides of the kubelet's settings (e.g. rotateCertificates, serverTLSBootstrap). */
  kubelet?: Partial<KubeletConfigInput>;
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
  const controlPlaneAddress = options.controlPlaneAddress ?? '127.0.0.1';
  const progress = options.onProgress ?? (() => {});
  progress('cluster PKI (CA, apiserver, nodes, users)');

  const pki = await createClusterPki({
    apiserver: { ipAddresses: [...new Set(['127.0.0.1', controlPlaneAddress])] },
    serviceClusterIP: serviceIP,
    nodes: nodes.map((n) => ({ name: n.name, addresses: [n.address] })),
    users: [...(options.users ?? []), ...(options.kubeProxy ? [{ name: 'system:kube-proxy', groups: [] }] : [])],
  });

  const tokenCsv = (options.tokens ?? [])
    .map((t) => `${t.token},${t.user},${t.uid ?? t.user},"${(t.groups ?? []).join(',')}"`)
    .join('\n');
  if ((options.egress ?? 'direct') !== 'direct') progress(`${options.egress} egress (control-plane side)`);
  const egress = await startEgress({ mode: options.egress ?? 'direct', dir, pki, nodes, controlPlaneAddress, logger: options.logger });
  progress('kube-apiserver');
  const apiserver = await startApiserver(
    {
      bindAddress: controlPlaneAddress,
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
      enableAdmissionPlugins: ['NodeRestriction'], // as kubeadm
      // The built-in CSR signer issues from the cluster CA, as kubeadm's controller-manager does.
      clusterSigningCert: pki.ca.cert,
      clusterSigningKey: pki.ca.key,
      ...(options.verifyKubelets ? { kubeletCertificateAuthority: pki.ca.cert } : {}),
      ...egress.apiserverOptions,
      ...options.apiserver,
    },
    { logger: options.logger },
  ).catch(async (err: unknown) => {
    await egress.close();
    throw err;
  });
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
  let kubeProxy: KubeProxyHandle | undefined;
  let kubeProxyClient: ApiClient | undefined;
  const closeAll = async (): Promise<void> => {
    await kubeProxy?.stop();
    kubeProxyClient?.close();
    await Promise.allSettled(kubelets.map((k) => k.stop()));
    await apiserver.close();
    await egress.close();
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    progress(`${nodes.length} kubelet${nodes.length === 1 ? '' : 's'}`);
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
    if (egress.konnectivity) progress('konnectivity agents');
    await egress.startAgents();
    const admin = createClient({ server, caCert: pki.ca.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key });
    await ensureKubeadmBootstrapRbac(admin);
    if (options.kubeProxy) {
      const proxyUser = pki.users['system:kube-proxy'];
      kubeProxyClient = createClient({ server, caCert: pki.ca.cert, clientCert: proxyUser.cert, clientKey: proxyUser.key });
      progress('kube-proxy');
      kubeProxy = await startKubeProxy({
        ...options.kubeProxyOptions,
        client: kubeProxyClient,
        logger: options.logger ?? pino({ level: 'silent' }),
      });
      await kubeProxy.ready;
    }
    if (options.waitReady ?? true) {
      progress('nodes Ready');
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
      kubeProxy,
      konnectivity: egress.konnectivity,
      ssh: egress.ssh,
      createBootstrapToken: (opts) => createBootstrapToken(admin, opts),
      async joinNode(name, opts = {}) {
        const token = opts.token ?? (await createBootstrapToken(admin)).token;
        const nodeDir = join(dir, 'nodes', name);
        await mkdir(join(nodeDir, 'pki'), { recursive: true });
        const bootstrapKubeconfig = join(nodeDir, 'bootstrap-kubelet.conf');
        const config = buildKubeconfig({ clusterName: 'hubspoke', server, caCert: pki.ca.cert, userName: 'tls-bootstrap-token-user', token });
        await writeFile(bootstrapKubeconfig, kubeconfigToYaml(config), { mode: 0o600 });
        const index = kubelets.length + 1;
        const address = opts.address ?? `${prefix}.${index}`;
        const kubelet = await startKubelet({
          nodeName: name,
          nodeIP: address,
          address,
          port: options.kubeletPort ?? 0,
          readOnlyPort: 0,
          podCIDR: `127.244.${index}.0/24`,
          rootDir: join(nodeDir, 'root'),
          bootstrapKubeconfig,
          kubeconfig: join(nodeDir, 'kubelet.conf'),
          certDir: join(nodeDir, 'pki'),
          clientCA: pki.ca.cert,
          logLevel: 'silent',
          ...opts.kubelet,
        }, { logger: options.logger });
        kubelets.push(kubelet);
        // The node side of the egress (its Konnectivity agent or sshd), as for the nodes started with the cluster.
        await egress.addNode({ name, address });
        return kubelet;
      },
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
