// How the lab's apiserver reaches its nodes: directly (Kubernetes' default), through a Konnectivity server whose
// agents dial out from the nodes, or through the deprecated per-node SSH tunnels. Everything here runs in-process;
// startCluster asks for the apiserver options first and starts the node side once the kubelets are up.
import { mkdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ApiserverOptions } from '@hubspoke/apiserver';
import {
  startKonnectivityAgent,
  startKonnectivityServer,
  type KonnectivityAgent,
  type KonnectivityServer,
} from '@hubspoke/konnectivity';
import { issueCertificate, type ClusterPki } from '@hubspoke/pki';
import { generateHostKeyPem, loadHostKey, startSshd, type Sshd } from '@hubspoke/sshd';
import { pino, type Logger } from 'pino';

/** The apiserver → node path: `direct` (default), `konnectivity` (HTTP CONNECT over a UDS) or `ssh` (tunnels). */
export type EgressMode = 'direct' | 'konnectivity' | 'ssh';

/** The lab's Konnectivity deployment: one server beside the apiserver, one agent per node. */
export interface LabKonnectivity {
  server: KonnectivityServer;
  agents: KonnectivityAgent[];
}

/** The `--ssh-user` the lab's apiserver logs in as, and the only user its sshds accept. */
export const LAB_SSH_USER = 'kube-apiserver';

/** What startEgress needs to know about the cluster. */
export interface EgressSetupOptions {
  mode: EgressMode;
  /** The cluster dir (the Konnectivity UDS lives here). */
  dir: string;
  pki: ClusterPki;
  nodes: readonly { name: string; address: string }[];
  logger?: Logger;
}

/** A started egress: the apiserver options it needs, and its node side. */
export interface LabEgress {
  /** Merged into the apiserver's options (empty for `direct`). */
  apiserverOptions: Partial<ApiserverOptions>;
  /** Present for `konnectivity`; `agents` fills in `startAgents`. */
  konnectivity?: LabKonnectivity;
  /** Present for `ssh`: one sshd per node, in node order. */
  sshd?: Sshd[];
  /** Start what needs running nodes (Konnectivity agents) and wait until each is connected. */
  startAgents(): Promise<void>;
  /** Stop everything this egress started. */
  close(): Promise<void>;
}

/** Start the control-plane side of `mode` (before the apiserver, which must be handed `apiserverOptions`). */
export async function startEgress(options: EgressSetupOptions): Promise<LabEgress> {
  switch (options.mode) {
    case 'direct':
      return { apiserverOptions: {}, startAgents: async () => {}, close: async () => {} };
    case 'konnectivity':
      return startKonnectivity(options);
    case 'ssh':
      return startSshTunnels(options);
  }
}

async function startKonnectivity(options: EgressSetupOptions): Promise<LabEgress> {
  const { pki } = options;
  const logger = options.logger ?? pino({ level: 'silent' });
  const udsName = join(options.dir, 'konnectivity-server.socket');
  await mkdir(options.dir, { recursive: true }); // a given dir may not exist yet; the PKI is written later
  const serving = await issueCertificate({ ca: pki.ca, commonName: 'konnectivity-server', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const server = await startKonnectivityServer({
    udsName,
    agentPort: 0,
    agentBindAddress: '127.0.0.1',
    clusterCert: serving.cert,
    clusterKey: serving.key,
    agentAuth: { clientCA: pki.ca.cert },
    adminPort: 0, // /metrics, so tests can see the traffic that crossed
    logger,
  });
  const konnectivity: LabKonnectivity = { server, agents: [] };
  const config = [
    'apiVersion: apiserver.k8s.io/v1beta1',
    'kind: EgressSelectorConfiguration',
    'egressSelections:',
    '- name: cluster',
    '  connection:',
    '    proxyProtocol: HTTPConnect',
    '    transport:',
    '      uds:',
    `        udsName: ${JSON.stringify(udsName)}`,
    '',
  ].join('\n');
  return {
    apiserverOptions: { egressSelectorConfig: config },
    konnectivity,
    async startAgents() {
      const client = await issueCertificate({ ca: pki.ca, commonName: 'system:konnectivity-agent', usage: 'client' });
      for (const node of options.nodes) {
        const agent = await startKonnectivityAgent({
          proxyServerHost: '127.0.0.1',
          proxyServerPort: server.agentPort,
          caCert: pki.ca.cert,
          agentCert: client.cert,
          agentKey: client.key,
          agentId: node.name,
          agentIdentifiers: `ipv4=${node.address}&host=${node.name}`,
          logger,
        });
        konnectivity.agents.push(agent);
      }
      await Promise.all(konnectivity.agents.map((a) => a.whenConnected(10_000)));
    },
    async close() {
      await Promise.allSettled(konnectivity.agents.map((a) => a.close()));
      await server.close();
    },
  };
}

async function startSshTunnels(options: EgressSetupOptions): Promise<LabEgress> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const privateKey = generateHostKeyPem(LAB_SSH_USER);
  const parsed = loadHostKey(privateKey).parsed;
  const authorizedKeys = `${parsed.type} ${parsed.getPublicSSH().toString('base64')} ${LAB_SSH_USER}\n`;
  const addresses = options.nodes.map((n) => n.address);
  // The apiserver has one --ssh-port for all nodes; a port free on one address may be taken on another, or be
  // taken between the probe and the bind, so the whole set is retried on a fresh port.
  for (let attempt = 1; ; attempt++) {
    const port = await freePortOn(addresses);
    const started = await Promise.allSettled(
      addresses.map((address) => startSshd({ authorizedKeys, listenAddress: address, port, user: LAB_SSH_USER, logger })),
    );
    const sshd = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (sshd.length === addresses.length) {
      return {
        apiserverOptions: { sshUser: LAB_SSH_USER, sshPrivateKey: privateKey, sshPort: port },
        sshd,
        startAgents: async () => {},
        async close() {
          await Promise.allSettled(sshd.map((s) => s.close()));
        },
      };
    }
    await Promise.allSettled(sshd.map((s) => s.close()));
    if (attempt >= 5) throw (started.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
  }
}

/** A port free on every one of `hosts` right now. */
async function freePortOn(hosts: readonly string[]): Promise<number> {
  for (;;) {
    const port = await listenProbe(hosts[0], 0);
    if (port === undefined) continue;
    const free = await Promise.all(hosts.slice(1).map((h) => listenProbe(h, port)));
    if (free.every((p) => p !== undefined)) return port;
  }
}

/** Listen on host:port and close again; the bound port, or undefined when it was taken. */
function listenProbe(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(undefined));
    probe.listen(port, host, () => {
      const bound = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(bound));
    });
  });
}
