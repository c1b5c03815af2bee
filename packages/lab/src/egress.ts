// How the lab's apiserver reaches its nodes: directly (Kubernetes' default), through a Konnectivity server whose
// agents dial out from the nodes, or through the deprecated per-node SSH tunnels. Everything here runs in-process;
// startCluster asks for the apiserver options first and starts the node side once the kubelets are up. The
// controls (stop and start the Konnectivity server or a node's sshd) let tests and scenarios break the path the
// way a crashed process would, and mend it without touching the apiserver or the agents.
import { mkdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ApiserverOptions } from '@hubspoke/apiserver';
import {
  startKonnectivityAgent,
  startKonnectivityServer,
  type KonnectivityAgent,
  type KonnectivityServer,
  type KonnectivityServerOptions,
} from '@hubspoke/konnectivity';
import { issueCertificate, type ClusterPki } from '@hubspoke/pki';
import { generateHostKeyPem, loadHostKey, startSshd, type Sshd } from '@hubspoke/sshd';
import { pino, type Logger } from 'pino';

/** The apiserver → node path: `direct` (default), `konnectivity` (HTTP CONNECT over a UDS) or `ssh` (tunnels). */
export type EgressMode = 'direct' | 'konnectivity' | 'ssh';

/** A node as the egress sees it. */
export interface EgressNode {
  name: string;
  address: string;
}

/** The lab's Konnectivity deployment: one server beside the apiserver, one agent per node. */
export interface LabKonnectivity {
  /** The running server (a new object after stopServer/startServer). */
  server: KonnectivityServer;
  /** One agent per node, in node order (joined nodes appended). */
  agents: KonnectivityAgent[];
  /** Stop the server as a crash would: every tunnelled stream ends; the agents keep retrying. */
  stopServer(): Promise<void>;
  /** Start it again on the same socket and agent port; resolves once every agent has reconnected. */
  startServer(): Promise<void>;
}

/** The lab's deprecated SSH tunnels: one sshd per node, all on the apiserver's one `--ssh-port`. */
export interface LabSshTunnels {
  port: number;
  /** The running sshds, in node order (joined nodes appended); a stopped node's entry is its last sshd. */
  daemons: Sshd[];
  /** Stop a node's sshd as a crash would: its forwarded streams end. */
  stop(node: string): Promise<void>;
  /** Start it again on the same address, port and host key. */
  start(node: string): Promise<void>;
}

/** The `--ssh-user` the lab's apiserver logs in as, and the only user its sshds accept. */
export const LAB_SSH_USER = 'kube-apiserver';

/** What startEgress needs to know about the cluster. */
export interface EgressSetupOptions {
  mode: EgressMode;
  /** The cluster dir (the Konnectivity UDS lives here). */
  dir: string;
  pki: ClusterPki;
  nodes: readonly EgressNode[];
  /** Where the Konnectivity server accepts agents (default 127.0.0.1; a SAN of its certificate). */
  controlPlaneAddress?: string;
  logger?: Logger;
}

/** A started egress: the apiserver options it needs, and its node side. */
export interface LabEgress {
  /** Merged into the apiserver's options (empty for `direct`). */
  apiserverOptions: Partial<ApiserverOptions>;
  /** Present for `konnectivity`; `agents` fills in `startAgents`. */
  konnectivity?: LabKonnectivity;
  /** Present for `ssh`. */
  ssh?: LabSshTunnels;
  /** Start what needs running nodes (Konnectivity agents) and wait until each is connected. */
  startAgents(): Promise<void>;
  /** The node side for a node that joins later (its agent or sshd); resolves when it is usable. */
  addNode(node: EgressNode): Promise<void>;
  /** Stop everything this egress started. */
  close(): Promise<void>;
}

/** Start the control-plane side of `mode` (before the apiserver, which must be handed `apiserverOptions`). */
export async function startEgress(options: EgressSetupOptions): Promise<LabEgress> {
  switch (options.mode) {
    case 'direct':
      return { apiserverOptions: {}, startAgents: async () => {}, addNode: async () => {}, close: async () => {} };
    case 'konnectivity':
      return startKonnectivity(options);
    case 'ssh':
      return startSshTunnels(options);
  }
}

async function startKonnectivity(options: EgressSetupOptions): Promise<LabEgress> {
  const { pki } = options;
  const logger = options.logger ?? pino({ level: 'silent' });
  const serverLogger = logger.child({ component: 'konnectivity-server' });
  const bindAddress = options.controlPlaneAddress ?? '127.0.0.1';
  const udsName = join(options.dir, 'konnectivity-server.socket');
  await mkdir(options.dir, { recursive: true }); // a given dir may not exist yet; the PKI is written later
  const serving = await issueCertificate({ ca: pki.ca, commonName: 'konnectivity-server', ipAddresses: [bindAddress], usage: 'server' });
  const serverOptions: KonnectivityServerOptions = {
    udsName,
    agentPort: 0,
    agentBindAddress: bindAddress,
    clusterCert: serving.cert,
    clusterKey: serving.key,
    agentAuth: { clientCA: pki.ca.cert },
    adminPort: 0, // /metrics, so tests can see the traffic that crossed
    logger: serverLogger,
  };
  const first = await startKonnectivityServer(serverOptions);
  // A restarted server keeps its ports: the agents retry the one they know, the apiserver the same socket.
  serverOptions.agentPort = first.agentPort;
  serverOptions.adminPort = first.adminPort;
  let running = true;
  const agentClient = await issueCertificate({ ca: pki.ca, commonName: 'system:konnectivity-agent', usage: 'client' });
  const agents: KonnectivityAgent[] = [];
  const startAgent = async (node: EgressNode): Promise<KonnectivityAgent> => {
    const agent = await startKonnectivityAgent({
      proxyServerHost: bindAddress,
      proxyServerPort: serverOptions.agentPort!,
      caCert: pki.ca.cert,
      agentCert: agentClient.cert,
      agentKey: agentClient.key,
      agentId: node.name,
      agentIdentifiers: `ipv4=${node.address}&host=${node.name}`,
      logger: logger.child({ component: 'konnectivity-agent', node: node.name }),
    });
    agents.push(agent);
    return agent;
  };
  const konnectivity: LabKonnectivity = {
    server: first,
    agents,
    async stopServer() {
      running = false;
      await konnectivity.server.close();
    },
    async startServer() {
      konnectivity.server = await startKonnectivityServer(serverOptions);
      running = true;
      await Promise.all(agents.map((a) => a.whenConnected(20_000)));
    },
  };
  return {
    apiserverOptions: { egressSelectorConfig: egressSelectorConfiguration(udsName) },
    konnectivity,
    async startAgents() {
      for (const node of options.nodes) await startAgent(node);
      await Promise.all(agents.map((a) => a.whenConnected(10_000)));
    },
    async addNode(node) {
      await (await startAgent(node)).whenConnected(10_000);
    },
    async close() {
      await Promise.allSettled(agents.map((a) => a.close()));
      if (running) await konnectivity.server.close();
    },
  };
}

async function startSshTunnels(options: EgressSetupOptions): Promise<LabEgress> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const privateKey = generateHostKeyPem(LAB_SSH_USER);
  const authorizedKeys = `${publicKeyLine(privateKey)} ${LAB_SSH_USER}\n`;
  const nodes = [...options.nodes];
  // Each node keeps its host key across restarts, as a node's sshd would.
  const hostKeys = new Map<string, string>();
  const start = (node: EgressNode, port: number): Promise<Sshd> => {
    if (!hostKeys.has(node.name)) hostKeys.set(node.name, generateHostKeyPem(`root@${node.name}`));
    return startSshd({ hostKeys: [hostKeys.get(node.name)!], authorizedKeys, listenAddress: node.address, port, user: LAB_SSH_USER, logger: logger.child({ node: node.name }) });
  };
  // The apiserver has one --ssh-port for all nodes; a port free on one address may be taken on another, or be
  // taken between the probe and the bind, so the whole set is retried on a fresh port.
  for (let attempt = 1; ; attempt++) {
    const port = await freePortOn(nodes.map((n) => n.address));
    const started = await Promise.allSettled(nodes.map((n) => start(n, port)));
    const daemons = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (daemons.length === nodes.length) {
      const stopped = new Set<string>();
      const indexOf = (name: string): number => {
        const i = nodes.findIndex((n) => n.name === name);
        if (i < 0) throw new Error(`no sshd for node "${name}"`);
        return i;
      };
      const ssh: LabSshTunnels = {
        port,
        daemons,
        async stop(name) {
          const i = indexOf(name);
          stopped.add(name);
          await daemons[i].close();
        },
        async start(name) {
          const i = indexOf(name);
          daemons[i] = await start(nodes[i], port);
          stopped.delete(name);
        },
      };
      return {
        apiserverOptions: { sshUser: LAB_SSH_USER, sshPrivateKey: privateKey, sshPort: port },
        ssh,
        startAgents: async () => {},
        async addNode(node) {
          // A joining node must serve SSH on the cluster's one port; if its address has that port taken, say so.
          daemons.push(await start(node, port));
          nodes.push(node);
        },
        async close() {
          await Promise.allSettled(daemons.filter((_, i) => !stopped.has(nodes[i].name)).map((s) => s.close()));
        },
      };
    }
    await Promise.allSettled(daemons.map((s) => s.close()));
    if (attempt >= 5) throw (started.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
  }
}

/** The `cluster` selection through the konnectivity-server's socket (HTTP CONNECT), as in Kubernetes' Konnectivity guide. */
export function egressSelectorConfiguration(udsName: string): string {
  return [
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
}

/** `type base64` of a private key's public half, as authorized_keys and known_hosts spell it. */
export function publicKeyLine(privatePem: string): string {
  const { parsed } = loadHostKey(privatePem);
  return `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`;
}

/** A port free on every one of `hosts` right now. */
export async function freePortOn(hosts: readonly string[]): Promise<number> {
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
