// From what happened to outcomes: each attack of the catalogue judged on its own success sentence (attacks.ts)
// against what the attacker actually got, with the evidence kept. Pure: the runner gathers the observations.
import { statusMessage, type AttackId, type AttackOutcome, type NodesProxyExecResult, type ProbeName, type ScanReport, type TokenReplayResult } from '@hubspoke/attacker';
import { firstBytes, type AttackerReport, type CapturedRequestView, type MitmView, type RogueView } from './attacker-host-protocol.ts';
import type { ExecResult } from './apiserver-exec.ts';
import type { Evidence } from './report.ts';

/** A user's request through the apiserver and what came back. */
export interface UserResponse {
  status: number | null;
  body: string;
}

/** What the user did to one node's pod while the attacker sat on the path. */
export interface NodeTraffic {
  /** `pods/<chatty>/log`. */
  logs: UserResponse;
  exec: ExecResult;
  /** The word the exec echoed: found in a capture, it proves the attacker read the output. */
  secret: string;
}

/** The proxy requests the user made, once per cluster. */
export interface ProxyTraffic {
  /** `pods/<web>:8080/proxy/`: plain HTTP to the pod. */
  http: UserResponse;
  /** `pods/https:<web>:8443/proxy/healthz`. */
  https: UserResponse;
  /** `<pod IP>:<port>` of each. */
  httpDestination: string;
  httpsDestination: string;
  /** The body the impersonator answers with. */
  forged: string;
}

/** Everything observed for one node (one combination). */
export interface Observations {
  scan: ScanReport;
  node: NodeTraffic;
  mitm: MitmView | undefined;
  proxy: ProxyTraffic;
  attacker: AttackerReport;
  /** A line that every log of the logging pod contains. */
  logMarker: string;
  /** The WebSocket exec of `echo <secret>` on this node's kubelet with a token allowed only `get nodes/proxy`. */
  nodesProxyExec: { result: NodesProxyExecResult; secret: string };
  /**
   * What the user got, and what the compromised node saw at this node's address, while it answered for the nodes;
   * and what reached its redirect target (the cluster's one), from any node's redirect.
   */
  rogue: { logs: UserResponse; exec: ExecResult; view: RogueView | undefined; forgedLog: string; redirectArrivals: AttackerReport['redirectArrivals'] };
  /** A pod's token presented before and after the pod was deleted. */
  tokenReplay: { pod: string; before: TokenReplayResult; after: TokenReplayResult };
}

/** A measured outcome and its evidence. */
export interface Measurement {
  outcome: AttackOutcome;
  evidence: Evidence;
}

/** Judge `attack` on the observations. */
export function measure(attack: AttackId, o: Observations): Measurement {
  switch (attack) {
    case 'kubelet-anonymous-read':
    case 'kubelet-anonymous-exec':
    case 'kubelet-readonly-read':
      return fromScan(attack, o.scan);
    case 'mitm-observe':
      return mitmObserve(o);
    case 'mitm-read-output':
      return mitmReadOutput(o);
    case 'proxy-sniff':
      return proxySniff(o);
    case 'proxy-impersonate':
      return proxyImpersonate(o);
    case 'nodes-proxy-exec':
      return nodesProxyExecMeasured(o);
    case 'rogue-node':
      return rogueNode(o);
    case 'upgrade-redirect':
      return upgradeRedirect(o);
    case 'token-replay':
      return tokenReplay(o);
  }
}

const SCAN_PROBES: Record<'kubelet-anonymous-read' | 'kubelet-anonymous-exec' | 'kubelet-readonly-read', ProbeName[]> = {
  'kubelet-anonymous-read': ['pods'],
  'kubelet-anonymous-exec': ['run', 'exec'],
  'kubelet-readonly-read': ['readonly-pods'],
};

function fromScan(attack: keyof typeof SCAN_PROBES, scan: ScanReport): Measurement {
  const probes = SCAN_PROBES[attack].map((name) => scan.probes.find((p) => p.probe === name));
  const shown = probes.filter((p) => p !== undefined);
  const summary = shown.length === 0
    ? 'not probed (no read-only port was found to probe)'
    : shown.map((p) => `${p.method} ${p.scheme}://${scan.host}:${p.port}${p.path.split('?')[0]} → ${p.status ?? 'no answer'} (${p.outcome})`).join('; ');
  return {
    outcome: scan.attacks[attack],
    evidence: { summary: `scan from the node network, anonymous: ${summary}`, statuses: shown.map((p) => p.status), bytes: shown.map((p) => p.evidence).filter(Boolean).join(' | ') || undefined },
  };
}

/** The apiserver's own requests the man in the middle read (those for the kubelet API from the control plane). */
function interceptedRequests(o: Observations): CapturedRequestView[] {
  return (o.mitm?.captures ?? []).flatMap((c) => c.requests).filter((r) => /^\/(containerLogs|exec|attach|run)\//.test(r.target));
}

function userSide(o: Observations): string {
  return `the user's logs → ${o.node.logs.status ?? 'no answer'}, exec → ${o.node.exec.status ?? 'no answer'}`;
}

function pathNote(o: Observations): string {
  const relayed = Object.entries(o.attacker.relayed).map(([port, n]) => `${n} connection${n === 1 ? '' : 's'} to port ${port} relayed unread`);
  const failures = o.mitm?.failures ?? [];
  return [
    failures.length > 0 ? `${failures.length} TLS connection${failures.length === 1 ? '' : 's'} refused its certificate (${[...new Set(failures.map((f) => f.kind))].join(', ')})` : '',
    ...relayed,
  ].filter(Boolean).join('; ');
}

function mitmObserve(o: Observations): Measurement {
  const requests = interceptedRequests(o);
  const note = pathNote(o);
  const statuses = [o.node.logs.status, o.node.exec.status];
  if (requests.length > 0) {
    return {
      outcome: 'succeeds',
      evidence: { summary: `the man in the middle read ${requests.length} request${requests.length === 1 ? '' : 's'} of the apiserver (${requests.map((r) => r.head.split('\r\n')[0]).join('; ')}); ${userSide(o)}`, statuses, bytes: firstBytes(requests[0].head) },
    };
  }
  return { outcome: 'blocked', evidence: { summary: `the man in the middle read nothing${note ? ` (${note})` : ''}; ${userSide(o)}`, statuses } };
}

function mitmReadOutput(o: Observations): Measurement {
  const requests = interceptedRequests(o);
  const logs = requests.filter((r) => r.target.startsWith('/containerLogs/'));
  const execs = requests.filter((r) => r.target.startsWith('/exec/'));
  const readLogs = logs.find((r) => r.status === 200 && (r.body ?? '').includes(o.logMarker));
  const readExec = execs.find((r) => (r.stdout ?? '').includes(o.node.secret));
  const statuses = [...logs.map((r) => r.status ?? null), ...execs.map((r) => r.status ?? null)];
  const relayedAnswers = [...logs, ...execs].map((r) => `${r.target.split('?')[0]} → ${r.status ?? 'no answer'}`).join('; ');
  if (readLogs || readExec) {
    return {
      outcome: 'succeeds',
      evidence: {
        summary: `relayed with its own connection, the kubelet answered: ${relayedAnswers}; the attacker read ${[readLogs ? 'the log text' : '', readExec ? `the exec output "${o.node.secret}"` : ''].filter(Boolean).join(' and ')}`,
        statuses,
        bytes: readLogs?.body ?? readExec?.stdout,
      },
    };
  }
  const summary = requests.length === 0
    ? `no request reached the man in the middle${pathNote(o) ? ` (${pathNote(o)})` : ''}`
    : `relayed with its own connection, the kubelet refused: ${relayedAnswers}`;
  const refusal = [...logs, ...execs].find((r) => r.body)?.body;
  return { outcome: 'blocked', evidence: { summary, statuses, ...(refusal ? { bytes: refusal } : {}) } };
}

function proxySniff(o: Observations): Measurement {
  const { proxy } = o;
  const records = o.attacker.sniff.filter((r) => r.scheme === 'http' && r.destination === proxy.httpDestination);
  const read = records.find((r) => r.request.raw.startsWith('GET ') && r.response?.status === 200 && r.response.body.length > 0 && proxy.http.body.startsWith(r.response.body.replace(/… \(\d+ more\)$/, '')));
  const user = `the user's pods/…:${proxy.httpDestination.split(':')[1]}/proxy/ → ${proxy.http.status ?? 'no answer'}`;
  if (read) {
    return {
      outcome: 'succeeds',
      evidence: { summary: `the observer read "${read.request.raw.split('\r\n')[0]}" and the pod's ${read.response!.status} answer in plaintext; ${user}`, statuses: [proxy.http.status, read.response!.status ?? null], bytes: read.response!.body },
    };
  }
  return { outcome: 'blocked', evidence: { summary: `the observer saw ${records.length === 0 ? 'no proxied pod traffic' : 'proxied traffic without the pod\'s answer'}; ${user}`, statuses: [proxy.http.status] } };
}

function proxyImpersonate(o: Observations): Measurement {
  const { proxy } = o;
  const answered = o.attacker.sniff.filter((r) => r.impersonated && r.destination === proxy.httpsDestination).length;
  const user = `the user's pods/https:…:${proxy.httpsDestination.split(':')[1]}/proxy/healthz → ${proxy.https.status ?? 'no answer'}`;
  const fooled = proxy.https.status === 200 && proxy.https.body === proxy.forged;
  return {
    outcome: fooled ? 'succeeds' : 'blocked',
    evidence: {
      summary: fooled
        ? `the apiserver accepted the attacker's certificate and returned its answer to the user; ${user}`
        : `${answered === 0 ? 'the impersonator was never dialled' : `the impersonator answered ${answered} time${answered === 1 ? '' : 's'} but the user did not get its body`}; ${user}`,
      statuses: [proxy.https.status],
      bytes: firstBytes(proxy.https.body),
    },
  };
}

function nodesProxyExecMeasured(o: Observations): Measurement {
  const { result, secret } = o.nodesProxyExec;
  const target = result.url.replace(/\?.*$/, '');
  if (result.outcome === 'executed') {
    const ran = result.output.includes(secret);
    return {
      outcome: ran ? 'succeeds' : 'blocked',
      evidence: {
        summary: `WebSocket exec with the get-nodes/proxy token: ${target} → 101 (${result.subprotocol}); ${ran ? `the command ran and printed "${secret}"` : `no output${result.failure ? ` (${result.failure})` : ''}`}`,
        statuses: [101],
        bytes: firstBytes(result.output || result.failure || ''),
      },
    };
  }
  const answer = result.outcome === 'error' ? `no answer (${result.error})` : `${result.status} ${result.outcome}`;
  return {
    outcome: 'blocked',
    evidence: { summary: `WebSocket exec with the get-nodes/proxy token: ${target} → ${answer}`, statuses: [result.outcome === 'error' ? null : result.status], ...(result.outcome !== 'error' ? { bytes: firstBytes(result.text) } : {}) },
  };
}

function rogueSeen(view: RogueView | undefined): string {
  if (!view || view.connections === 0) return 'no connection of the apiserver reached the compromised node at this address';
  const cns = view.clientCNs.length > 0 ? ` presenting ${view.clientCNs.join(', ')}` : '';
  const requests = view.requests.map((r) => `${r.method} ${r.target.split('?')[0]} → ${r.status}`).join('; ');
  return `the apiserver connected ${view.connections} time${view.connections === 1 ? '' : 's'}${cns}${requests ? `: ${requests}` : ' and sent no request'}`;
}

function rogueNode(o: Observations): Measurement {
  const { logs, view, forgedLog } = o.rogue;
  const fooled = logs.status === 200 && logs.body === forgedLog;
  const user = `the user's pods/…/log → ${logs.status ?? 'no answer'}${fooled ? '' : `: ${firstBytes(statusMessage(logs.body), 240)}`}`;
  return {
    outcome: fooled ? 'succeeds' : 'blocked',
    evidence: { summary: `${rogueSeen(view)}; ${user}`, statuses: [logs.status], bytes: firstBytes(logs.body) },
  };
}

function upgradeRedirect(o: Observations): Measurement {
  const { exec, view, redirectArrivals: arrivals } = o.rogue;
  const redirected = (view?.requests ?? []).filter((r) => r.upgrade && r.status === 302).length;
  const user = `the user's exec → ${exec.status ?? 'no answer'}${exec.error ? ` (${firstBytes(statusMessage(exec.error), 240)})` : ''}`;
  const summary = `${redirected > 0 ? `the compromised node answered ${redirected} exec upgrade${redirected === 1 ? '' : 's'} with 302` : rogueSeen(view)}; ${user}; ${arrivals.length} connection${arrivals.length === 1 ? '' : 's'} reached the redirect target`;
  return { outcome: arrivals.length > 0 ? 'succeeds' : 'blocked', evidence: { summary, statuses: [exec.status], ...(exec.error ? { bytes: firstBytes(exec.error) } : {}) } };
}

function replayText(r: TokenReplayResult): string {
  if (r.outcome === 'accepted') return `${r.status} as ${r.user.username}`;
  if (r.outcome === 'error') return `no answer (${r.error})`;
  return `${r.status} ${r.text}`;
}

function tokenReplay(o: Observations): Measurement {
  const { pod, before, after } = o.tokenReplay;
  const status = (r: TokenReplayResult): number | null => (r.outcome === 'error' ? null : r.status);
  return {
    outcome: after.outcome === 'accepted' ? 'succeeds' : 'blocked',
    evidence: {
      summary: `SelfSubjectReview with pod ${pod}'s token: while the pod ran → ${replayText(before)}; after it was deleted → ${replayText(after)}`,
      statuses: [status(before), status(after)],
    },
  };
}
