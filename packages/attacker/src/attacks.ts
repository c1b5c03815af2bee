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
  | 'proxy-impersonate';

/** Where the attacker stands. */
export type AttackerPosition =
  /** Can open connections to nodes' addresses (anyone on the node network). */
  | 'node-network'
  /** On the path between the control plane and the nodes: can answer for a node's address and read its traffic. */
  | 'control-plane-path';

/** One attack: what it tries, from where, and the claim it puts to the test. */
export interface AttackInfo {
  id: AttackId;
  /** The claim of ../shared/DOCUMENT.md (C1–C14). */
  claim: string;
  position: AttackerPosition;
  title: string;
  /** What counts as success, in one sentence. */
  success: string;
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
];

/** A predicted or measured outcome. */
export type AttackOutcome = 'succeeds' | 'blocked';
