// The lab a scenario runs on: a fresh in-process cluster from the scenario's profile (with its flags), the real
// kubectl on the PATH, demo pods on node-1, and, when asked for, a man in the middle on node-1's address.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMitm, type Mitm } from '@hubspoke/attacker';
import type { KubeletConfigInput } from '@hubspoke/kubelet';
import { buildKubeconfig, kubeconfigToYaml } from '@hubspoke/pki';
import { pino, type Logger } from 'pino';
import { startCluster, type Cluster } from '../cluster.ts';
import { LAB_TOKENS } from '../demo.ts';
import { freePortOn } from '../egress.ts';
import { resolveLabFlags } from '../overrides.ts';
import { waitFor } from '../wait.ts';
import type { ScenarioTopology } from './scenario.ts';

/** Where a scenario's lab lives on the host (distinct per concurrent run). */
export interface ScenarioLabOptions {
  /** Node addresses `${nodeAddressPrefix}.N` (default 127.0.70). */
  nodeAddressPrefix?: string;
  /** The attacker's address, which node-1 advertises when the topology has one (default 127.0.71.1). */
  attackerAddress?: string;
  /** kubectl to run (default `kubectl` on the PATH). */
  kubectl?: string;
  logger?: Logger;
}

/** The outcome of one kubectl run. */
export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A running scenario lab. */
export interface ScenarioLab {
  cluster: Cluster;
  /** The man in the middle on node-1, when the topology asks for one. */
  mitm?: Mitm;
  /** The address node-1 advertises and its kubelet port, when the attacker holds it (`attackerOnNode1`). */
  attacker?: { address: string; port: number };
  /** Run kubectl as the admin (or with another kubeconfig); never throws for a non-zero exit. */
  kubectl(args: string[], opts?: { kubeconfig?: string; input?: string }): Promise<KubectlRun>;
  /** A kubeconfig for this lab that carries only `token` (a client certificate would win over it); its path. */
  tokenKubeconfig(name: string, token: string): Promise<string>;
  /** Create a one-container pod on node-1 and wait until it runs. */
  runPod(name: string, container: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** Start the lab for `topology`. */
export async function startScenarioLab(topology: ScenarioTopology, options: ScenarioLabOptions = {}): Promise<ScenarioLab> {
  const flags = await resolveLabFlags({ profile: topology.profile, egress: topology.egress, apiserverArgs: topology.apiserverArgs });
  const prefix = options.nodeAddressPrefix ?? '127.0.70';
  const attackerAddress = options.attackerAddress ?? '127.0.71.1';
  const node1 = `${prefix}.1`;
  // The attacker must listen on node-1's port on its own address, so both share one port.
  const kubeletPort = topology.attackerOnNode1 ? await freePortOn([node1, `${prefix}.2`, attackerAddress]) : 0;
  const profileKubelet = flags.options.kubelet;
  const kubelet = (_name: string, index: number): Partial<KubeletConfigInput> =>
    topology.attackerOnNode1 && index === 0 ? { ...profileKubelet, nodeIP: attackerAddress } : profileKubelet;
  const mitm = topology.attackerOnNode1 === 'mitm'
    ? await startMitm({ listen: { host: attackerAddress, port: kubeletPort }, upstream: { host: node1, port: kubeletPort }, logger: options.logger })
    : undefined;
  const cluster = await startCluster({
    ...flags.options,
    kubelet,
    nodes: 2,
    tokens: LAB_TOKENS,
    nodeAddressPrefix: prefix,
    kubeletPort,
    logger: options.logger ?? pino({ level: 'silent' }),
  }).catch(async (err: unknown) => {
    await mitm?.close();
    throw err;
  });
  const cacheDir = await mkdtemp(join(tmpdir(), 'hubspoke-scenario-kubectl-'));
  const kubectlBin = options.kubectl ?? 'kubectl';
  return {
    cluster,
    mitm,
    attacker: topology.attackerOnNode1 ? { address: attackerAddress, port: kubeletPort } : undefined,
    kubectl: (args, opts = {}) =>
      new Promise((resolve) => {
        const child = execFile(
          kubectlBin,
          [`--kubeconfig=${opts.kubeconfig ?? cluster.adminKubeconfig}`, `--cache-dir=${cacheDir}`, ...args],
          { timeout: 30_000, env: { ...process.env, HOME: cacheDir }, maxBuffer: 16 * 1024 * 1024 },
          (err, stdout, stderr) => {
            const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
        child.stdin?.end(opts.input ?? '');
      }),
    async tokenKubeconfig(name, token) {
      const path = join(cluster.dir, `${name}.token.conf`);
      const config = buildKubeconfig({ clusterName: 'hubspoke', server: cluster.server, caCert: cluster.pki.ca.cert, userName: name, token });
      await writeFile(path, kubeconfigToYaml(config), { mode: 0o600 });
      return path;
    },
    async runPod(name, container) {
      await cluster.admin.create('/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { nodeName: 'node-1', containers: [{ name, ...container }] },
      });
      await waitFor(async () => {
        const pod = await cluster.admin.get(`/api/v1/namespaces/default/pods/${name}`);
        return (pod.status as { phase?: string }).phase === 'Running';
      }, { timeoutMs: 20_000, what: `pod ${name} Running` });
    },
    async close() {
      await cluster.close();
      await mitm?.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}
