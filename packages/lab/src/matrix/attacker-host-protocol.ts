// What the runner and attacker-host.ts say to each other over the attacker's control port: plain JSON, with
// captured bytes already reduced to text, so evidence crosses the process boundary as the attacker saw it.
import type { HandshakeFailure, ExchangeRecord, NodesProxyExecResult, ScanReport, TokenReplayResult } from '@hubspoke/attacker';

/** POST /scan: scan these kubelets (`host:port`) anonymously, from the attacker's position. */
export interface ScanRequest {
  targets: string[];
  /** The read-only port to probe on each. */
  readOnlyPort: number;
}

/** POST /intercept: answer for the nodes' addresses (the routes are the runner's) and start every listener. */
export interface InterceptRequest {
  /** The node addresses whose kubelet port gets a man in the middle. */
  nodes: string[];
  kubeletPort: number;
  /** The attacker's own address on the node link: its relayed connections leave from it. */
  sourceAddress: string;
  /** The pod ports the sniffer takes: plain HTTP is relayed and read, https: is answered with `forgedBody`. */
  pod: { httpPort: number; httpsPort: number };
  forgedBody: string;
  /** Ports relayed unread to their original destination (the SSH tunnels' port): the attacker passes on what it cannot read. */
  relayPorts: number[];
}

/** One intercepted request as evidence: its head, the answer's status and first bytes, an upgraded stream's text. */
export interface CapturedRequestView {
  target: string;
  /** The request line and headers. */
  head: string;
  status?: number;
  /** The first bytes of the response body (decoded text). */
  body?: string;
  /** For exec/attach: the text of the stdout and error channels, towards the apiserver. */
  stdout?: string;
  error?: string;
}

/** What one man in the middle (one node address) learned. */
export interface MitmView {
  /** Connections that carried plaintext, each from `client`. */
  captures: { client: string; requests: CapturedRequestView[] }[];
  failures: HandshakeFailure[];
}

/** POST /nodes-proxy-exec: a WebSocket exec on each kubelet with a token allowed only `get nodes/proxy`. */
export interface NodesProxyExecRequest {
  token: string;
  targets: { kubelet: string; namespace: string; pod: string; container: string; command: string[] }[];
}

/** Its answer: one result per target, in order. */
export interface NodesProxyExecResponse {
  results: NodesProxyExecResult[];
}

/**
 * POST /impersonate: the men in the middle stop, and a compromised node's kubelet answers on every node address
 * instead, with that node's own cluster-signed certificate: forged text for logs, a redirect for upgrades.
 */
export interface ImpersonateRequest {
  nodes: string[];
  kubeletPort: number;
  tls: { cert: string; key: string };
  forgedLog: string;
  /** Where the redirect target listens (the attacker's address the control plane reaches). */
  redirectHost: string;
}

/** POST /token-replay: present a stolen token to the apiserver. */
export interface TokenReplayRequest {
  server: string;
  token: string;
}

/** Its answer. */
export interface TokenReplayResponse {
  result: TokenReplayResult;
}

/** What the compromised node's kubelet saw at one node address. */
export interface RogueView {
  connections: number;
  /** CNs of the client certificates the apiserver presented. */
  clientCNs: string[];
  requests: { method: string; target: string; upgrade: boolean; status: number }[];
}

/** GET /report. */
export interface AttackerReport {
  /** Per node address. */
  mitm: Record<string, MitmView>;
  /** Per node address, once /impersonate ran. */
  rogue: Record<string, RogueView>;
  /** Connections that reached the redirect target (an apiserver that followed a redirect), first bytes in hex. */
  redirectArrivals: { remote: string; firstBytes: string }[];
  /** The sniffer's exchanges, bodies cut to their first bytes. */
  sniff: ExchangeRecord[];
  /** Connections relayed unread, per port. */
  relayed: Record<string, number>;
}

/** The line attacker-host.ts prints with its control port. */
export const ATTACKER_HOST_READY = 'attacker-host ready';

/** Evidence keeps this many characters of a body. */
export const EVIDENCE_CHARS = 400;

/** `text` cut to EVIDENCE_CHARS, saying how much was left out. */
export function firstBytes(text: string, max = EVIDENCE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more)`;
}

/** Scan answers. */
export interface ScanResponse {
  reports: ScanReport[];
}
