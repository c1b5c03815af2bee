// Test support: an in-process apiserver set up for TLS bootstrapping the way kubeadm leaves a cluster — a
// client CA, bootstrap-token authentication with one token Secret, Node + RBAC authorization and the binding
// that lets bootstrap tokens create CSRs — plus a test signer answering the CSRs.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KubeObject } from '@hubspoke/api';
import { startApiserver } from '@hubspoke/apiserver';
import type { ApiserverHandle } from '@hubspoke/apiserver';
import { createClient } from '@hubspoke/client';
import type { ApiClient } from '@hubspoke/client';
import { buildKubeconfig, createCA, kubeconfigToYaml } from '@hubspoke/pki';
import type { CertKey } from '@hubspoke/pki';
import pino from 'pino';
import type { KubeletConfigInput } from '../config.ts';
import { startKubelet } from '../kubelet.ts';
import type { KubeletHandle } from '../kubelet.ts';
import { startTestSigner } from './test-signer.ts';
import type { SignerDecision, TestSigner } from './test-signer.ts';

/** The cluster and its handles. */
export interface CertTestCluster {
  apiserver: ApiserverHandle;
  admin: ApiClient;
  /** The cluster CA: --client-ca-file of the apiserver and the test signer's key. */
  ca: CertKey;
  signer: TestSigner;
  /** `<id>.<secret>` of the bootstrap token. */
  token: string;
  /** The token's Secret name in kube-system. */
  tokenSecret: string;
  /** Writes a bootstrap kubeconfig (token user) into `dir` and returns its path. */
  writeBootstrapKubeconfig(dir: string): Promise<string>;
  close(): Promise<void>;
}

const TOKEN_ID = 'abcdef';
const TOKEN_SECRET = '0123456789abcdef';

/** Starts the apiserver and the signer; `decide` answers each new CSR. */
export async function startCertTestCluster(decide: (csr: KubeObject, index: number) => SignerDecision): Promise<CertTestCluster> {
  const ca = await createCA({ commonName: 'kubernetes' });
  const apiserver = await startApiserver({
    bindAddress: '127.0.0.1',
    securePort: 0,
    clientCA: ca.cert,
    tokenAuthFile: 'admin-token,admin,admin-uid,"system:masters"',
    anonymousAuth: false,
    enableBootstrapTokenAuth: true,
    authorizationModes: ['Node', 'RBAC'],
    controllers: false,
  });
  const admin = createClient({ server: apiserver.url, caCert: apiserver.servingCert, token: 'admin-token' });
  const tokenSecret = `bootstrap-token-${TOKEN_ID}`;
  const data = { 'token-id': TOKEN_ID, 'token-secret': TOKEN_SECRET, 'usage-bootstrap-authentication': 'true' };
  await admin.create('/api/v1/namespaces/kube-system/secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'bootstrap.kubernetes.io/token',
    metadata: { name: tokenSecret, namespace: 'kube-system' },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });
  await admin.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'kubelet-bootstrap' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-bootstrapper' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:bootstrappers' }],
  });
  const signer = startTestSigner(apiserver.storage, { ca, decide });
  const token = `${TOKEN_ID}.${TOKEN_SECRET}`;
  return {
    apiserver,
    admin,
    ca,
    signer,
    token,
    tokenSecret,
    async writeBootstrapKubeconfig(dir) {
      const file = path.join(dir, 'bootstrap-kubelet.conf');
      const kubeconfig = buildKubeconfig({ clusterName: 'kubernetes', server: apiserver.url, caCert: apiserver.servingCert, userName: 'tls-bootstrap-token-user', token });
      await writeFile(file, kubeconfigToYaml(kubeconfig), { mode: 0o600 });
      return file;
    },
    async close() {
      signer.stop();
      admin.close();
      await apiserver.close();
    },
  };
}

/** A kubelet that bootstraps against `cluster`, and what it logged. */
export interface BootstrapKubelet {
  kubelet: KubeletHandle;
  /** Parsed pino lines, in order. */
  logs: Array<Record<string, unknown>>;
}

/**
 * Starts kubelet `node-a` on loopback with --kubeconfig `<dir>/kubelet.conf`, --bootstrap-kubeconfig in
 * `dir`, --cert-dir `<dir>/pki` and fast heartbeats; `logs` collects its log lines.
 */
export async function startBootstrapKubelet(
  cluster: CertTestCluster,
  dir: string,
  overrides: KubeletConfigInput = {},
  logs: Array<Record<string, unknown>> = [],
): Promise<BootstrapKubelet> {
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const kubelet = await startKubelet(
    {
      nodeName: 'node-a',
      nodeIP: '127.0.0.1',
      address: '127.0.0.1',
      port: 0,
      readOnlyPort: 0,
      podCIDR: '127.244.77.0/24',
      rootDir: dir,
      certDir: path.join(dir, 'pki'),
      kubeconfig: path.join(dir, 'kubelet.conf'),
      bootstrapKubeconfig: await cluster.writeBootstrapKubeconfig(dir),
      nodeStatusUpdateFrequencyMs: 200,
      leaseRenewIntervalMs: 200,
      relistBackoff: { initialMs: 20, maxMs: 200 },
      ...overrides,
    },
    { logger },
  );
  return { kubelet, logs };
}

/** Polls `probe` every 50 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
