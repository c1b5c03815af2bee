// One cluster of the matrix: a cluster-level combination with one kubelet per kubelet-level combination, on its
// own three hosts (topology.ts). The attacks run in the attacker's positions of attacks.ts: first from the node
// network (an anonymous scan of every kubelet from the router, before it intercepts anything, and a WebSocket
// exec with a monitoring agent's `get nodes/proxy` token), then on the control plane → node path (the router
// answers for the node and pod networks) while a user reads logs, runs exec and uses the pod proxy through the
// apiserver; then as a compromised node answering for every node address with its own cluster-signed certificate
// (forged logs, redirected upgrades) while the user does the same again; last, a pod's token replayed after the
// pod is deleted. Each kubelet is one combination: its prediction comes from the audit of the configuration that
// actually ran, its measurement from what the attacker got.
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTACKS, DEFAULT_FORGED_LOG, type AttackId } from '@hubspoke/attacker';
import type { ApiserverOptions } from '@hubspoke/apiserver';
import type { KubeletConfigInput } from '@hubspoke/kubelet';
import { issueCertificate } from '@hubspoke/pki';
import { loadHostKey } from '@hubspoke/sshd';
import { auditConfiguration, type Prediction } from '../audit/index.ts';
import { startCluster, type Cluster } from '../cluster.ts';
import { LAB_SSH_USER } from '../egress.ts';
import { waitFor } from '../wait.ts';
import {
  ATTACKER_HOST_READY,
  type AttackerReport,
  type ImpersonateRequest,
  type InterceptRequest,
  type NodesProxyExecRequest,
  type NodesProxyExecResponse,
  type ScanResponse,
  type TokenReplayResponse,
} from './attacker-host-protocol.ts';
import { clusterPlan, combinationId, kubeletPlan, type Combination, type Dimension } from './dimensions.ts';
import { measure } from './measure.ts';
import type { NetnsProcess } from './netns.ts';
import { deletePodNow, monitorToken, podToken } from './stolen-credentials.ts';
import { NODE_HOST_READY, type NodeHostConfig } from './node-host-config.ts';
import type { AttackResult, CombinationResult } from './report.ts';
import { createMatrixTopology, MAX_NODES, type MatrixTopology } from './topology.ts';
import { FORGED, HTTP_PORT, HTTPS_PORT, LOG_MARKER, nodeTraffic, proxyTraffic, startPods } from './user-traffic.ts';

const KUBELET_PORT = 10250;
/** The compromised node: its kubelet serving certificate is cluster-signed, for its own name, listing the others' addresses. */
const ROGUE_NODE = 'node-rogue';
// The port an attacker probes for the read-only API (Kubernetes' default), whatever /configz claims.
const READ_ONLY_PORT = 10255;
const NODE_HOST = join(import.meta.dirname, 'node-host.ts');
const ATTACKER_HOST = join(import.meta.dirname, 'attacker-host.ts');
// The TypeScript loader by location, so the programs start whatever directory `hubspoke matrix` runs in.
const TSX = import.meta.resolve('tsx');

/** One cluster to run. */
export interface ClusterRunOptions {
  cluster: Combination;
  kubelets: Combination[];
  dimensions: readonly Dimension[];
  /** Called as each stage starts. */
  onStage?: (stage: string) => void;
}

/** Run the cluster and return one result per kubelet combination; failures become results with `error`. */
export async function runCluster(options: ClusterRunOptions): Promise<CombinationResult[]> {
  if (options.kubelets.length > MAX_NODES) throw new Error(`at most ${MAX_NODES} kubelet combinations per cluster, got ${options.kubelets.length}`);
  const clusterId = combinationId(options.cluster, options.dimensions);
  const stage = options.onStage ?? (() => {});
  const processes: NetnsProcess[] = [];
  let topology: MatrixTopology | undefined;
  let cluster: Cluster | undefined;
  let configDir: string | undefined;
  try {
    stage('network namespaces');
    topology = await createMatrixTopology();
    const t = topology;
    const plan = clusterPlan(options.cluster, options.dimensions);
    // Both programs load their modules while the control plane starts; the node host then waits for its config.
    configDir = await mkdtemp(join(tmpdir(), 'hubspoke-node-host-'));
    const configPath = join(configDir, 'node-host.json');
    const nodeHost = t.node.spawn(process.execPath, ['--import', TSX, NODE_HOST, configPath]);
    const attackerHost = t.router.spawn(process.execPath, ['--import', TSX, ATTACKER_HOST, t.routerIP]);
    processes.push(nodeHost, attackerHost);
    stage(`control plane (${plan.egress} egress)`);
    cluster = await startCluster({
      nodes: [],
      controlPlaneAddress: t.controlPlane,
      egress: plan.egress,
      verifyKubelets: plan.verifyKubelets,
      waitReady: false,
      apiserver: {
        ...(plan.kubeletClientCertificate ? {} : { kubeletClientCert: undefined, kubeletClientKey: undefined }),
        featureGates: { KubeletCertCNValidation: plan.cnCheck },
      },
    });
    const c = cluster;
    const nodes = options.kubelets.map((combination, i) => ({ name: `node-${i + 1}`, address: t.nodeAddress(i), combination }));
    const kubeletConfigs = await Promise.all(nodes.map((n, i) => kubeletConfig(c, t, n, i, plan.verifyKubelets, options.dimensions)));
    const hostConfig: NodeHostConfig = { nodes: nodes.map((n, i) => ({ name: n.name, address: n.address, kubelet: kubeletConfigs[i] })), egress: plan.egress };
    if (plan.egress === 'konnectivity') {
      const agent = await issueCertificate({ ca: c.pki.ca, commonName: 'system:konnectivity-agent', usage: 'client' });
      hostConfig.konnectivity = { host: t.controlPlane, port: c.konnectivity!.server.agentPort, caCert: c.pki.ca.cert, agentCert: agent.cert, agentKey: agent.key };
    }
    if (plan.egress === 'ssh') {
      const parsed = loadHostKey(c.apiserver.config.sshPrivateKey!).parsed;
      hostConfig.ssh = { port: c.ssh!.port, user: LAB_SSH_USER, authorizedKeys: `${parsed.type} ${parsed.getPublicSSH().toString('base64')} ${LAB_SSH_USER}\n` };
    }
    await writeFile(`${configPath}.part`, JSON.stringify(hostConfig), { mode: 0o600 });
    await rename(`${configPath}.part`, configPath);

    stage(`${nodes.length} kubelets and the attacker`);
    const [, attackerReady] = await Promise.all([
      started(nodeHost, new RegExp(`^${NODE_HOST_READY} `, 'm'), 'the node host'),
      started(attackerHost, new RegExp(`^${ATTACKER_HOST_READY} (\\d+)$`, 'm'), 'the attacker'),
    ]);
    const attacker = `http://${t.routerIP}:${attackerReady[1]}`;
    await waitReady(c, nodes.length);

    stage('pods');
    const web = await startPods(c, nodes.map((n) => n.name));
    const stolenMonitorToken = await monitorToken(c.admin);

    const audit = await auditConfiguration({
      apiserver: { options: c.apiserver.config as ApiserverOptions },
      kubelets: kubeletConfigs.map((config) => ({ config })),
    });
    if (audit.kind === 'error') throw new Error(`the audit could not read the configuration that ran: ${audit.message}`);

    stage('scan from the node network');
    const { reports: scans } = await post<ScanResponse>(`${attacker}/scan`, { targets: nodes.map((n) => `${n.address}:${KUBELET_PORT}`), readOnlyPort: READ_ONLY_PORT });
    const monitorSecrets = nodes.map((n) => `${n.name}-monitor-${Math.floor(Math.random() * 1e6)}`);
    const execRequest: NodesProxyExecRequest = {
      token: stolenMonitorToken,
      targets: nodes.map((n, i) => ({ kubelet: `${n.address}:${KUBELET_PORT}`, namespace: 'default', pod: `chatty-${i + 1}`, container: 'chatty', command: ['echo', monitorSecrets[i]] })),
    };
    const { results: monitorExecs } = await post<NodesProxyExecResponse>(`${attacker}/nodes-proxy-exec`, execRequest);

    stage('attacker on the path');
    await t.intercept(true);
    const intercept: InterceptRequest = {
      nodes: nodes.map((n) => n.address),
      kubeletPort: KUBELET_PORT,
      sourceAddress: t.routerNodeSide,
      pod: { httpPort: HTTP_PORT, httpsPort: HTTPS_PORT },
      forgedBody: FORGED,
      relayPorts: plan.egress === 'ssh' ? [c.ssh!.port] : [],
    };
    await post(`${attacker}/intercept`, intercept);

    stage('user traffic through the apiserver');
    const traffic = await Promise.all(nodes.map((n, i) => nodeTraffic(c, `chatty-${i + 1}`, `${n.name}-secret-${Math.floor(Math.random() * 1e6)}`)));
    const proxy = await proxyTraffic(c, web);
    const attackerReport = await settledReport(attacker);

    stage('a compromised node answers for the others');
    const rogueCert = await issueCertificate({ ca: c.pki.ca, commonName: `system:node:${ROGUE_NODE}`, organizations: ['system:nodes'], dnsNames: [ROGUE_NODE], ipAddresses: nodes.map((n) => n.address), usage: 'server' });
    const impersonate: ImpersonateRequest = { nodes: nodes.map((n) => n.address), kubeletPort: KUBELET_PORT, tls: { cert: rogueCert.cert, key: rogueCert.key }, forgedLog: DEFAULT_FORGED_LOG, redirectHost: t.routerIP };
    await post(`${attacker}/impersonate`, impersonate);
    const rogueTraffic = await Promise.all(nodes.map((n, i) => nodeTraffic(c, `chatty-${i + 1}`, `${n.name}-rogue-${Math.floor(Math.random() * 1e6)}`)));
    const rogueReport = await settledReport(attacker);

    stage('a pod token replayed after the pod is gone');
    const stolenPodToken = await podToken(c.admin, 'web');
    const before = (await post<TokenReplayResponse>(`${attacker}/token-replay`, { server: c.server, token: stolenPodToken })).result;
    await deletePodNow(c.admin, 'web');
    const after = (await post<TokenReplayResponse>(`${attacker}/token-replay`, { server: c.server, token: stolenPodToken })).result;

    return nodes.map((n, i) => {
      const observations = {
        scan: scans[i],
        node: traffic[i],
        mitm: attackerReport.mitm[n.address],
        proxy,
        attacker: attackerReport,
        logMarker: LOG_MARKER,
        nodesProxyExec: { result: monitorExecs[i], secret: monitorSecrets[i] },
        rogue: { logs: rogueTraffic[i].logs, exec: rogueTraffic[i].exec, view: rogueReport.rogue[n.address], forgedLog: DEFAULT_FORGED_LOG, redirectArrivals: rogueReport.redirectArrivals },
        tokenReplay: { pod: 'web', before, after },
      };
      const attacks = ATTACKS.map(({ id }): AttackResult => {
        const p = predictionFor(audit.report.predictions, id, n.name);
        const m = measure(id, observations);
        return { attack: id, predicted: p.outcome, measured: m.outcome, agree: p.outcome === m.outcome, prediction: { reason: p.reason, because: p.because }, evidence: m.evidence };
      });
      const combination = { ...options.cluster, ...n.combination };
      return { id: combinationId(combination, options.dimensions), combination, cluster: clusterId, node: n.name, attacks };
    });
  } catch (err) {
    const output = processes.map((p) => p.output().trim()).filter(Boolean).join('\n').slice(-2000);
    const message = `${(err as Error).message}${output ? `\n${output}` : ''}`;
    return options.kubelets.map((k, i) => {
      const combination = { ...options.cluster, ...k };
      return { id: combinationId(combination, options.dimensions), combination, cluster: clusterId, node: `node-${i + 1}`, attacks: [], error: message };
    });
  } finally {
    stage('teardown');
    await Promise.allSettled(processes.map((p) => p.stop(2000)));
    await cluster?.close().catch(() => undefined);
    await topology?.close();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  }
}

async function kubeletConfig(
  cluster: Cluster,
  t: MatrixTopology,
  node: { name: string; address: string; combination: Combination },
  index: number,
  caSigned: boolean,
  dimensions: readonly Dimension[],
): Promise<KubeletConfigInput> {
  const { ca } = cluster.pki;
  const [client, serving] = await Promise.all([
    issueCertificate({ ca, commonName: `system:node:${node.name}`, organizations: ['system:nodes'], usage: 'client' }),
    // What the kubernetes.io/kubelet-serving signer issues: the node's identity as CN, so KEP-4872's check passes.
    caSigned ? issueCertificate({ ca, commonName: `system:node:${node.name}`, organizations: ['system:nodes'], dnsNames: [node.name], ipAddresses: [node.address], usage: 'server' }) : undefined,
  ]);
  const rootDir = join(cluster.dir, 'nodes', node.name, 'root');
  await mkdir(rootDir, { recursive: true });
  return {
    nodeName: node.name,
    nodeIP: node.address,
    address: node.address,
    port: KUBELET_PORT,
    podCIDR: t.podCIDR(index),
    rootDir,
    certDir: join(cluster.dir, 'nodes', node.name, 'pki'),
    kubeconfig: { server: cluster.server, caCert: ca.cert, clientCert: client.cert, clientKey: client.key },
    clientCA: ca.cert,
    ...(serving ? { tlsCert: serving.cert, tlsPrivateKey: serving.key } : {}),
    ...kubeletPlan(node.combination, dimensions),
    logLevel: 'silent',
  };
}

/** Wait for `line` in a program's output; a program that exits first fails with its output. */
function started(proc: NetnsProcess, line: RegExp, what: string): Promise<RegExpExecArray> {
  return waitFor(
    () => {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${what} exited (${proc.child.exitCode ?? proc.child.signalCode}):\n${proc.output()}`);
      return line.exec(proc.output()) ?? undefined;
    },
    { timeoutMs: 60_000, intervalMs: 50, what },
  );
}

async function waitReady(cluster: Cluster, count: number): Promise<void> {
  await waitFor(async () => {
    const list = await cluster.admin.list('/api/v1/nodes');
    return list.items.filter((n) => ((n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')).length === count;
  }, { timeoutMs: 30_000, intervalMs: 100, what: `${count} Ready nodes` });
}

/** The attacker's report once it stops changing (connections it relays may still be closing). */
async function settledReport(attacker: string): Promise<AttackerReport> {
  let last = '';
  const deadline = Date.now() + 3_000;
  for (;;) {
    const text = await (await fetch(`${attacker}/report`)).text();
    if (text === last || Date.now() > deadline) return JSON.parse(text) as AttackerReport;
    last = text;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function post<T = unknown>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`attacker ${new URL(url).pathname}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

function predictionFor(predictions: Prediction[], attack: AttackId, node: string): Prediction {
  const p = predictions.find((x) => x.attack === attack && (x.node === undefined || x.node === node));
  if (!p) throw new Error(`the audit predicted nothing for ${attack} on ${node}`);
  return p;
}
