// Everything a cluster needs to start with mutual TLS, made the way kubeadm's certs phase makes it.
import { classifyHosts, mergeAltNames } from './alt-names.ts';
import { createCA } from './ca.ts';
import type { CertKey } from './cert-key.ts';
import { issueCertificate } from './issue.ts';
import { createServiceAccountKeyPair, type ServiceAccountKeyPair } from './service-account-key.ts';

/** The cluster's shape: where the apiserver is reachable, its Service VIP, the nodes and extra users. */
export interface ClusterPkiOptions {
  apiserver: { dnsNames?: readonly string[]; ipAddresses: readonly string[] };
  /** The ClusterIP of the `kubernetes` Service (first address of the service CIDR). */
  serviceClusterIP: string;
  nodes: readonly { name: string; addresses: readonly string[] }[];
  users?: readonly { name: string; groups: readonly string[] }[];
  serviceAccountKeyType?: 'ec' | 'rsa';
}

/** A node's two identities: the kubelet's client certificate and its CA-signed serving certificate. */
export interface NodePki {
  name: string;
  addresses: string[];
  client: CertKey;
  serving: CertKey;
}

/** The generated credentials, by role. */
export interface ClusterPki {
  ca: CertKey;
  apiserver: CertKey;
  apiserverKubeletClient: CertKey;
  serviceAccount: ServiceAccountKeyPair;
  admin: CertKey;
  nodes: Record<string, NodePki>;
  users: Record<string, CertKey>;
}

/** The names in-cluster clients use for the apiserver (the `kubernetes` Service), plus loopback. */
export const APISERVER_SERVICE_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
  'localhost',
];

/** The group that bypasses authorization; kubeadm puts admin and apiserver→kubelet clients in it. */
export const SYSTEM_MASTERS = 'system:masters';

/** The group every kubelet's client identity belongs to. */
export const SYSTEM_NODES = 'system:nodes';

/** The user name a node authenticates as. */
export function nodeUserName(node: string): string {
  return `system:node:${node}`;
}

/** A CA, then every leaf concurrently: apiserver serving, apiserver→kubelet client, admin, per-node, per-user. */
export async function createClusterPki(options: ClusterPkiOptions): Promise<ClusterPki> {
  assertUnique('node', options.nodes.map((n) => n.name));
  assertUnique('user', (options.users ?? []).map((u) => u.name));
  const ca = await createCA({ commonName: 'kubernetes' });

  const apiserverNames = mergeAltNames(
    { dnsNames: APISERVER_SERVICE_NAMES, ipAddresses: ['127.0.0.1', options.serviceClusterIP] },
    options.apiserver,
  );
  const nodePromises = options.nodes.map(async (node): Promise<NodePki> => {
    const identity = { ca, commonName: nodeUserName(node.name), organizations: [SYSTEM_NODES] };
    const altNames = classifyHosts([node.name, ...node.addresses]);
    const [client, serving] = await Promise.all([
      issueCertificate({ ...identity, usage: 'client' }),
      issueCertificate({ ...identity, ...altNames, usage: 'server' }),
    ]);
    return { name: node.name, addresses: [...node.addresses], client, serving };
  });
  const userPromises = (options.users ?? []).map(async (user) => {
    const cert = await issueCertificate({ ca, commonName: user.name, organizations: user.groups, usage: 'client' });
    return [user.name, cert] as const;
  });

  const [apiserver, apiserverKubeletClient, admin, serviceAccount, nodes, users] = await Promise.all([
    issueCertificate({ ca, commonName: 'kube-apiserver', ...apiserverNames, usage: 'server' }),
    issueCertificate({ ca, commonName: 'kube-apiserver-kubelet-client', organizations: [SYSTEM_MASTERS], usage: 'client' }),
    issueCertificate({ ca, commonName: 'kubernetes-admin', organizations: [SYSTEM_MASTERS], usage: 'client' }),
    createServiceAccountKeyPair({ type: options.serviceAccountKeyType }),
    Promise.all(nodePromises),
    Promise.all(userPromises),
  ]);
  return {
    ca,
    apiserver,
    apiserverKubeletClient,
    serviceAccount,
    admin,
    nodes: Object.fromEntries(nodes.map((node) => [node.name, node])),
    users: Object.fromEntries(users),
  };
}

function assertUnique(kind: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') throw new Error(`${kind} name must not be empty`);
    if (seen.has(name)) throw new Error(`duplicate ${kind} name ${JSON.stringify(name)}`);
    seen.add(name);
  }
}
