// The attack catalogue: what the lab can try on the control plane → node paths, each tied to the claim of the
// document it tests. The audit predicts these outcomes from a configuration; scenarios and the flag matrix
// measure them against running clusters; a disagreement is a bug in one of the two.

/** An attack's identifier (stable: reports, scenarios and the dashboard refer to it). */
export type AttackId =
  | 'kubelet-anonymous-read'
  | 'kubelet-anonymous-exec'
  | 'kubelet-readonly-read'
  | 'mitm-observe'
  | 'mitm-read-output'
  | 'proxy-sniff'
  | 'proxy-impersonate'
  | 'nodes-proxy-exec'
  | 'rogue-node'
  | 'upgrade-redirect'
  | 'token-replay';

/** Where the attacker stands. */
export type AttackerPosition =
  /** Can open connections to nodes' addresses (anyone on the node network). */
  | 'node-network'
  /** On the path between the control plane and the nodes: can answer for a node's address and read its traffic. */
  | 'control-plane-path'
  /** Owns one node (its cluster-signed identity) and, on the path, answers where the apiserver dials other nodes. */
  | 'compromised-node'
  /** Holds a credential stolen from a workload (a pod's token, a monitoring agent's token) and reaches the node or apiserver ports. */
  | 'stolen-credential';

/** One attack: what it tries, from where, and the claim it puts to the test. */
export interface AttackInfo {
  id: AttackId;
  /** The claim of ../shared/DOCUMENT.md (C1–C14). */
  claim: string;
  position: AttackerPosition;
  title: string;
  /** What counts as success, in one sentence. */
  success: string;
  /**
   * Set for an attack that no configuration the lab models lets through (a fixed CVE, a design guarantee): why.
   * It is still tried everywhere, so that a regression shows up as a disagreement.
   */
  blockedByDesign?: string;
}

/** Every attack, in report order. */
export const ATTACKS: readonly AttackInfo[] = [
  {
    id: 'kubelet-anonymous-read',
    claim: 'C10',
    position: 'node-network',
    title: 'Anonymous read of the kubelet API',
    success: 'GET https://<node>:10250/pods without credentials returns the node\'s pods (200).',
  },
  {
    id: 'kubelet-anonymous-exec',
    claim: 'C10',
    position: 'node-network',
    title: 'Anonymous command execution through the kubelet API',
    success: 'POST https://<node>:10250/run/<ns>/<pod>/<container>?cmd=… without credentials returns the command\'s output (200).',
  },
  {
    id: 'kubelet-readonly-read',
    claim: 'C10',
    position: 'node-network',
    title: 'Read of the kubelet read-only port',
    success: 'GET http://<node>:10255/pods returns the node\'s pods (200); this port has no authentication at all.',
  },
  {
    id: 'mitm-observe',
    claim: 'C9',
    position: 'control-plane-path',
    title: 'A man in the middle sees the apiserver\'s kubelet requests',
    success: 'The apiserver completes TLS with the attacker\'s certificate, so the attacker reads the request (which pod\'s logs, the exec command, typed stdin).',
  },
  {
    id: 'mitm-read-output',
    claim: 'C9',
    position: 'control-plane-path',
    title: 'A man in the middle reads logs and exec output',
    success: 'Relaying to the real kubelet with its own (anonymous) connection, the attacker reads the answer: log text and command output in plaintext.',
  },
  {
    id: 'proxy-sniff',
    claim: 'C11',
    position: 'control-plane-path',
    title: 'A passive observer reads proxied pod traffic',
    success: 'The bytes of a pods/<name>/proxy request cross the control plane → node network in plaintext and contain the request and the pod\'s answer.',
  },
  {
    id: 'proxy-impersonate',
    claim: 'C12',
    position: 'control-plane-path',
    title: 'An impersonator answers an https: proxy request',
    success: 'With the https: prefix the apiserver accepts the attacker\'s certificate for the pod and returns the attacker\'s answer to the user.',
  },
  {
    id: 'nodes-proxy-exec',
    claim: 'C10',
    position: 'stolen-credential',
    title: '`get nodes/proxy` runs a command through a WebSocket to the kubelet',
    success: 'With a token allowed only `get nodes/proxy`, a WebSocket exec to https://<node>:10250/exec/… (an upgrade that starts as a GET) runs the command and returns its output.',
  },
  {
    id: 'rogue-node',
    claim: 'C10',
    position: 'compromised-node',
    title: 'A node with a cluster-signed certificate answers for another node',
    success: 'Answering where the apiserver dials a node with its own cluster-signed kubelet certificate (CN system:node:<rogue>, listing the victim\'s address), the rogue node\'s forged log text reaches the user as that node\'s pod logs.',
  },
  {
    id: 'upgrade-redirect',
    claim: 'C8',
    position: 'compromised-node',
    title: 'A malicious kubelet redirects an exec upgrade (CVE-2020-8559)',
    success: 'The apiserver follows a 302 answer to its exec upgrade and carries the user\'s stream (and its kubelet credentials) to the redirect\'s target.',
    blockedByDesign: 'Since the CVE-2020-8559 fix (Kubernetes 1.16.13, 1.17.9, 1.18.6) the apiserver never follows a redirect on an upgrade: any non-101 answer below 400 becomes "invalid upgrade response: status code N", whatever the flags.',
  },
  {
    id: 'token-replay',
    claim: 'C4',
    position: 'stolen-credential',
    title: 'A pod\'s token replayed after the pod is gone',
    success: 'A ServiceAccount token issued for a pod (the one its projected volume holds) still authenticates at the apiserver after the pod is deleted.',
    blockedByDesign: 'Pod tokens are bound tokens: on every request the apiserver looks up the pod the token names and refuses it (401) once the pod is gone, whatever the flags.',
  },
];

/** A predicted or measured outcome. */
export type AttackOutcome = 'succeeds' | 'blocked';
