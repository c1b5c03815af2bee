// The plain-request probes (everything but the WebSocket ones), each answered with a status, an outcome and a
// short piece of evidence shaped for what the path returns: pod names for pod lists, command output for /run.
import { kubeletRequest, type KubeletRequest } from './kubelet-request.ts';
import { classifyAnswer, snippet } from './outcome.ts';
import { parsePodList } from './pod-targets.ts';
import type { ProbeName, ProbeOutcome, ProbeResult } from './types.ts';

/** One plain-request probe: the request, and the probe it reports as (credentials go over HTTPS only: the
 * read-only port has no authentication to give them to). */
export interface HttpProbe extends Omit<KubeletRequest, 'maxBodyBytes'> {
  probe: ProbeName;
}

/** A probe's result and the body it read (callers parse /pods and /configz from it). */
export interface HttpProbeResult {
  result: ProbeResult;
  body?: string;
}

/** CRI ExecSync's wording for a command that ran and exited non-zero (kubelet /run answers it with 500). */
const RAN_AND_FAILED = /^command '.*' exited with \d+/;

/** Runs the probe; never rejects. */
export async function probeHttp(probe: HttpProbe): Promise<HttpProbeResult> {
  const base = { probe: probe.probe, scheme: probe.scheme, port: probe.port, method: probe.method, path: probe.path };
  const answer = await kubeletRequest({
    scheme: probe.scheme,
    host: probe.host,
    port: probe.port,
    method: probe.method,
    path: probe.path,
    form: probe.form,
    credentials: probe.scheme === 'https' ? probe.credentials : undefined,
    timeoutMs: probe.timeoutMs,
  });
  if (answer.kind === 'failed') return { result: { ...base, status: null, outcome: 'error', evidence: snippet(answer.error) } };
  const outcome = outcomeOf(probe.probe, answer.status, answer.body);
  const evidence = outcome === 'exposed' ? exposedEvidence(probe.probe, answer.body) : snippet(answer.body.trim());
  return { result: { ...base, status: answer.status, outcome, evidence }, body: answer.body };
}

function outcomeOf(probe: ProbeName, status: number, body: string): ProbeOutcome {
  // The command ran; that it failed does not make the endpoint any less open.
  if (probe === 'run' && status === 500 && RAN_AND_FAILED.test(body)) return 'exposed';
  return classifyAnswer(status, body);
}

/** Evidence for a served answer: `N pods: ns/a, ns/b` for pod lists, else the body's first bytes. */
export function exposedEvidence(probe: ProbeName, body: string): string {
  if (probe === 'pods' || probe === 'runningpods' || probe === 'readonly-pods') {
    const pods = parsePodList(body);
    if (pods) return snippet(`${pods.length} pod${pods.length === 1 ? '' : 's'}${pods.length ? ': ' : ''}${pods.map((p) => `${p.namespace}/${p.name}`).join(', ')}`);
  }
  return body.length ? snippet(body) : '(empty body)';
}
