// The lab as the dashboard draws it: the apiserver as the hub, the nodes with their pods, the egress in between,
// the attacker when one runs, and every path between them with what protects it (protocol, encryption, who
// verifies whom, who authorizes) read from the running configuration, plus the bytes that crossed it. Built from
// a plain snapshot, so it is a pure function; lab-api.ts takes the snapshot from the running cluster, and the
// dashboard's compose source from a docker-compose lab seen from outside, which cannot see everything: what it
// cannot see is left out of the snapshot (optional fields) and shown as unknown, never as zero or false.
import type { ByteCounts } from '@hubspoke/apiserver';
import type { KubeObject } from '@hubspoke/api';

/** Whether the connection's client checks the server's identity ('n/a': nothing to verify, e.g. plain HTTP). */
export type ServerVerification = 'verified' | 'unverified' | 'n/a';

/** What the apiserver resolved at start that decides its paths. */
export interface ApiserverFacts {
  url: string;
  anonymousAuth: boolean;
  authorizationModes: readonly string[];
  /** `--kubelet-certificate-authority` set. */
  kubeletCertificateAuthority: boolean;
  /** `--kubelet-client-certificate` set. */
  kubeletClientCertificate: boolean;
  /** `--ssh-known-hosts-file` set (SSH egress only). */
  sshKnownHosts: boolean;
}

/** A running kubelet, as its process knows itself. */
export interface KubeletFacts {
  nodeName: string;
  /** The bind address (`--address`). */
  address: string;
  port: number;
  readOnlyPort: number;
  anonymousAuth: boolean;
  authorizationMode: string;
  /** Who signed the certificate it serves. */
  servingCert: 'self-signed' | 'cluster-ca';
}

/**
 * How the apiserver reaches the nodes, with the live state of what carries it. The live fields (`connected`,
 * `openConnections`, `connections`) are absent where the snapshot cannot see them: unknown.
 */
export type EgressFacts =
  | { kind: 'direct' }
  | { kind: 'konnectivity'; udsName: string; agentPort: number; agents: { node: string; connected?: boolean; openConnections?: number }[] }
  | { kind: 'ssh'; port: number; daemons: { node: string; address: string; connections?: number }[] };

/** A man in the middle listening on a node's advertised address. */
export interface AttackerFacts {
  kind: 'mitm';
  address: string;
  port: number;
  /** The node whose advertised address it holds. */
  victim: string;
  /** Connections that carried plaintext. */
  captures: number;
  /** Connections the apiserver ended before sending a request (it refused the certificate). */
  refused: number;
}

/** Everything buildTopology reads: a snapshot of the running lab. */
export interface TopologyInput {
  profile?: string;
  apiserver: ApiserverFacts;
  kubelets: readonly KubeletFacts[];
  /** Node and Pod objects from the apiserver. */
  nodes: readonly KubeObject[];
  pods: readonly KubeObject[];
  /** The `kubernetes` Service's ClusterIP:port, which kube-proxy forwards to the apiserver. */
  kubernetesService?: string;
  egress: EgressFacts;
  attacker?: AttackerFacts;
  /** The apiserver's egress byte counters, by host dialed; absent when the snapshot cannot read them (unknown). */
  bytes?: Readonly<Record<string, ByteCounts>>;
}

/** A pod, where it runs. */
export interface TopologyPod {
  name: string;
  namespace: string;
  ip?: string;
  phase: string;
}

/** A node: its kubelet's endpoint and settings, and its pods. */
export interface TopologyNode {
  /** `node:<name>`. */
  id: string;
  name: string;
  ready: boolean;
  /** Where the kubelet listens. */
  address: string;
  /** Where the Node object says it is (InternalIP): what the apiserver dials. */
  advertisedAddress: string;
  port: number;
  servingCert: 'self-signed' | 'cluster-ca';
  anonymousAuth: boolean;
  authorizationMode: string;
  /** 0 when closed. */
  readOnlyPort: number;
  pods: TopologyPod[];
}

/** One path, from the side that opens the connection. */
export interface TopologyEdge {
  /** Stable: `<kind>:<node>`, or the kind alone. */
  id: string;
  kind: 'kubelet-api' | 'node-to-apiserver' | 'pod-to-apiserver' | 'pod-proxy' | 'konnectivity-uds' | 'konnectivity-tunnel' | 'ssh-tunnel';
  /** Topology ids (`apiserver`, `node:<name>`, `pods:<name>`, `konnectivity-server`). */
  from: string;
  to: string;
  /** For people: "apiserver → node-1 (kubelet API)". */
  title: string;
  protocol: string;
  encryption: string;
  serverVerification: ServerVerification;
  clientAuthentication: string;
  authorization: string;
  /** The claim of DOCUMENT.md this path shows. */
  claim: string;
  /** Measured on the apiserver's egress; absent where nothing counts, or where the counters are unknown. */
  bytes?: ByteCounts;
  /** Set where the apiserver counts this path's bytes but the snapshot cannot read the counters. */
  bytesUnknown?: true;
  /** The attacker or egress the connection really goes through. */
  via?: string;
  /** What happens on this path now, when it is not simply "works". */
  note?: string;
}

/** The lab as the dashboard shows it. */
export interface LabTopology {
  profile?: string;
  apiserver: { id: 'apiserver'; url: string; anonymousAuth: boolean; authorizationModes: string[] };
  nodes: TopologyNode[];
  egress: EgressFacts;
  attacker?: AttackerFacts & { id: 'attacker' };
  edges: TopologyEdge[];
  /** What the snapshot could not see, for people ("the apiserver's egress byte counters"); absent when nothing. */
  unknown?: string[];
}

/** The topology of a snapshot. */
export function buildTopology(input: TopologyInput): LabTopology {
  const api = input.apiserver;
  const modes = api.authorizationModes.join(',');
  const nodes = input.kubelets.map((k) => topologyNode(k, input));
  const edges: TopologyEdge[] = [];
  const viaEgress = (node: string): string | undefined =>
    input.egress.kind === 'direct' ? undefined : input.egress.kind === 'konnectivity' ? 'konnectivity-server' : `sshd:${node}`;

  if (input.egress.kind === 'konnectivity') {
    edges.push({
      id: 'konnectivity-uds',
      kind: 'konnectivity-uds',
      from: 'apiserver',
      to: 'konnectivity-server',
      title: 'apiserver → konnectivity-server (egress selector)',
      protocol: 'HTTP CONNECT',
      encryption: 'none (Unix socket)',
      serverVerification: 'n/a',
      clientAuthentication: 'none (socket file permissions)',
      authorization: 'none',
      claim: 'C14',
      note: `socket ${input.egress.udsName}`,
    });
  }

  for (const node of nodes) {
    const id = node.id;
    const intercepted = input.attacker && input.attacker.victim === node.name ? input.attacker : undefined;
    const verified = api.kubeletCertificateAuthority;
    // A verifying apiserver accepts only a certificate the CA signed for the address it dialed: the attacker's
    // never passes, and neither does a kubelet's own self-signed one.
    const refusedBy = verified && intercepted ? 'the attacker' : verified && node.servingCert === 'self-signed' ? 'the kubelet' : undefined;
    edges.push({
      id: `kubelet-api:${node.name}`,
      kind: 'kubelet-api',
      from: 'apiserver',
      to: id,
      title: `apiserver → ${node.name} (kubelet API: logs, exec, attach, port-forward)`,
      protocol: 'HTTPS',
      encryption: 'TLS',
      serverVerification: verified ? 'verified' : 'unverified',
      clientAuthentication: api.kubeletClientCertificate ? 'client cert' : 'none',
      authorization: node.anonymousAuth ? `${node.authorizationMode} (anonymous allowed)` : node.authorizationMode,
      claim: verified ? 'C10' : 'C9',
      ...counted(input.bytes, (bytes) => bytes[node.advertisedAddress] ?? { sent: 0, received: 0 }),
      via: intercepted ? 'attacker' : viaEgress(node.name),
      note: refusedBy
        ? `the apiserver refuses the certificate ${refusedBy} shows (${refusedBy === 'the attacker' ? 'the attacker learns nothing' : 'self-signed'})`
        : intercepted
          ? `${node.advertisedAddress} is the attacker's: it reads and relays everything`
          : undefined,
    });
    edges.push({
      id: `node-to-apiserver:${node.name}`,
      kind: 'node-to-apiserver',
      from: id,
      to: 'apiserver',
      title: `${node.name} → apiserver (kubelet registration, status, leases)`,
      protocol: 'HTTPS',
      encryption: 'TLS',
      serverVerification: 'verified',
      clientAuthentication: 'client cert',
      authorization: modes,
      claim: 'C2',
    });
    if (node.pods.length > 0) {
      edges.push({
        id: `pod-to-apiserver:${node.name}`,
        kind: 'pod-to-apiserver',
        from: `pods:${node.name}`,
        to: 'apiserver',
        title: `pods on ${node.name} → apiserver (kubernetes Service${input.kubernetesService ? ` ${input.kubernetesService}` : ''}, kube-proxy)`,
        protocol: 'HTTPS',
        encryption: 'TLS',
        serverVerification: 'verified',
        clientAuthentication: 'SA token',
        authorization: modes,
        claim: 'C5',
      });
      edges.push({
        id: `pod-proxy:${node.name}`,
        kind: 'pod-proxy',
        from: 'apiserver',
        to: `pods:${node.name}`,
        title: `apiserver → pods on ${node.name} (pods/proxy, services/proxy)`,
        protocol: 'HTTP',
        encryption: 'none',
        serverVerification: 'n/a',
        clientAuthentication: 'none',
        authorization: 'none',
        claim: 'C11',
        ...counted(input.bytes, (bytes) => sumBytes(node.pods.flatMap((p) => (p.ip ? [bytes[p.ip]] : [])))),
        via: viaEgress(node.name),
        note: 'with the https: prefix: TLS, but the certificate is not validated (C12)',
      });
    }
    if (input.egress.kind === 'konnectivity') {
      const agent = input.egress.agents.find((a) => a.node === node.name);
      edges.push({
        id: `konnectivity-tunnel:${node.name}`,
        kind: 'konnectivity-tunnel',
        from: id,
        to: 'konnectivity-server',
        title: `konnectivity-agent on ${node.name} → konnectivity-server (dials out; carries the apiserver's connections back)`,
        protocol: 'WebSocket tunnel',
        encryption: 'TLS',
        serverVerification: 'verified',
        clientAuthentication: 'client cert',
        authorization: 'none',
        claim: 'C14',
        note: agentNote(agent),
      });
    }
    if (input.egress.kind === 'ssh') {
      const daemon = input.egress.daemons.find((d) => d.node === node.name);
      edges.push({
        id: `ssh-tunnel:${node.name}`,
        kind: 'ssh-tunnel',
        from: 'apiserver',
        to: id,
        title: `apiserver → sshd on ${node.name} (deprecated SSH tunnel)`,
        protocol: 'SSH',
        encryption: 'SSH',
        serverVerification: api.sshKnownHosts ? 'verified' : 'unverified',
        clientAuthentication: 'public key',
        authorization: 'authorized_keys',
        claim: 'C13',
        note: daemon
          ? `sshd ${daemon.address}:${input.egress.port}, ${daemon.connections === undefined ? 'connections unknown' : plural(daemon.connections, 'connection')}`
          : 'no sshd',
      });
    }
  }

  return {
    profile: input.profile,
    apiserver: { id: 'apiserver', url: api.url, anonymousAuth: api.anonymousAuth, authorizationModes: [...api.authorizationModes] },
    nodes,
    egress: input.egress,
    attacker: input.attacker ? { ...input.attacker, id: 'attacker' } : undefined,
    edges,
    ...unknownParts(input),
  };
}

/** An edge's byte fields: the counters when the snapshot has them, else the mark that they are unknown. */
function counted(bytes: TopologyInput['bytes'], pick: (bytes: Readonly<Record<string, ByteCounts>>) => ByteCounts): Pick<TopologyEdge, 'bytes' | 'bytesUnknown'> {
  return bytes ? { bytes: pick(bytes) } : { bytesUnknown: true };
}

function agentNote(agent: { connected?: boolean; openConnections?: number } | undefined): string {
  if (!agent) return 'no agent';
  if (agent.connected === undefined) return 'agent configured; whether it is connected is unknown';
  if (!agent.connected) return 'NOT connected';
  return `connected, ${agent.openConnections === undefined ? 'relayed connections unknown' : `${plural(agent.openConnections, 'relayed connection')}`}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `{ unknown: [...] }` listing what the snapshot left out, or nothing when it saw everything. */
function unknownParts(input: TopologyInput): Pick<LabTopology, 'unknown'> {
  const unknown: string[] = [];
  if (!input.bytes) unknown.push("the apiserver's egress byte counters");
  if (input.egress.kind === 'konnectivity' && input.egress.agents.some((a) => a.connected === undefined)) unknown.push('whether each konnectivity-agent is connected');
  if (input.egress.kind === 'ssh' && input.egress.daemons.some((d) => d.connections === undefined)) unknown.push("the SSH tunnels' connections");
  return unknown.length > 0 ? { unknown } : {};
}

function topologyNode(k: KubeletFacts, input: TopologyInput): TopologyNode {
  const node = input.nodes.find((n) => n.metadata?.name === k.nodeName);
  const status = (node?.status ?? {}) as { addresses?: { type: string; address: string }[]; conditions?: { type: string; status: string }[] };
  const pods = input.pods
    .filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === k.nodeName)
    .map((p) => {
      const s = (p.status ?? {}) as { podIP?: string; phase?: string };
      return { name: p.metadata?.name ?? '', namespace: p.metadata?.namespace ?? 'default', ip: s.podIP, phase: s.phase ?? 'Pending' };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return {
    id: `node:${k.nodeName}`,
    name: k.nodeName,
    ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    address: k.address,
    advertisedAddress: status.addresses?.find((a) => a.type === 'InternalIP')?.address ?? k.address,
    port: k.port,
    servingCert: k.servingCert,
    anonymousAuth: k.anonymousAuth,
    authorizationMode: k.authorizationMode,
    readOnlyPort: k.readOnlyPort,
    pods,
  };
}

function sumBytes(counts: readonly (ByteCounts | undefined)[]): ByteCounts {
  return counts.reduce<ByteCounts>((sum, c) => ({ sent: sum.sent + (c?.sent ?? 0), received: sum.received + (c?.received ?? 0) }), { sent: 0, received: 0 });
}
