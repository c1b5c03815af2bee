// The scan of one kubelet, in the order an attacker works: look at the TLS certificate; read what the API
// serves (healthz, pods, runningpods, configz, metrics); pick a real pod from /pods (or the operator's, or a
// made-up one); try logs, /run, exec, attach and port-forward on it; then the unauthenticated read-only port.
// Every probe reports; the attack summary follows from the probes.
import type { Logger } from 'pino';
import { summarizeAttacks } from './attack-summary.ts';
import { probeHttp, type HttpProbe } from './http-probe.ts';
import { DEFAULT_FORWARD_PAYLOAD, probePortForward } from './port-forward-probe.ts';
import { chooseContainer, choosePortForward, parsePodList, type PodSummary, type TargetPreference } from './pod-targets.ts';
import { probeRemoteCommand } from './remote-command-probe.ts';
import { observeTls } from './serving-certificate.ts';
import { DEFAULT_READ_ONLY_PORT, formatAddress, parseTarget } from './target.ts';
import type { ProbeResult, ScanCredentials, ScanIdentity, ScanReport } from './types.ts';

/** Settings shared by every kubelet of a scan. */
export interface ScanSettings {
  /** Read-only port to probe; 0 = none; default the one /configz reports when readable, else 10255. */
  readOnlyPort?: number;
  credentials?: ScanCredentials;
  /** Pod, container and port-forward port to use instead of the ones read from /pods. */
  prefer?: TargetPreference;
  /** The command for /run and exec (default `id`). */
  command?: readonly string[];
  /** Bytes the port-forward probe sends (default an HTTP/1.0 request). */
  portForwardPayload?: string | Buffer;
  /** Per-probe bound (default 5 s). */
  timeoutMs?: number;
  /** How long attach listens when the container is silent (default 2 s). */
  attachListenMs?: number;
  logger?: Logger;
}

/** One kubelet to scan (`host:port`). */
export interface ScanOptions extends ScanSettings {
  target: string;
}

/** The command /run and exec run when none is given. */
export const DEFAULT_COMMAND: readonly string[] = ['id'];

/** Scans one kubelet. Rejects only for an unparseable target; everything the kubelet does is a finding. */
export async function scanKubelet(options: ScanOptions): Promise<ScanReport> {
  const started = Date.now();
  const { host, port } = parseTarget(options.target);
  const timeoutMs = options.timeoutMs ?? 5000;
  const credentials = options.credentials;
  const logger = options.logger?.child({ component: 'scan', target: options.target });
  const secure = (probe: HttpProbe['probe'], path: string, extra: Partial<HttpProbe> = {}): HttpProbe => ({
    probe, scheme: 'https', host, port, method: 'GET', path, credentials, timeoutMs, ...extra,
  });

  const tls = await observeTls({ host, port, credentials, timeoutMs });
  const [healthz, pods, runningpods, configz, metrics] = await Promise.all([
    probeHttp(secure('healthz', '/healthz')),
    probeHttp(secure('pods', '/pods')),
    probeHttp(secure('runningpods', '/runningpods/')),
    probeHttp(secure('configz', '/configz')),
    probeHttp(secure('metrics', '/metrics')),
  ]);
  const listed = pods.result.outcome === 'exposed' ? parsePodList(pods.body ?? '') : undefined;

  const readOnlyPort = options.readOnlyPort ?? configuredReadOnlyPort(configz.result.outcome === 'exposed' ? configz.body : undefined) ?? DEFAULT_READ_ONLY_PORT;
  const plain = (probe: HttpProbe['probe'], path: string): HttpProbe => ({ probe, scheme: 'http', host, port: readOnlyPort, method: 'GET', path, timeoutMs });
  const readOnly = readOnlyPort === 0
    ? []
    : await Promise.all([
        probeHttp(plain('readonly-healthz', '/healthz')),
        probeHttp(plain('readonly-pods', '/pods')),
        probeHttp(plain('readonly-stats-summary', '/stats/summary')),
        probeHttp(plain('readonly-spec', '/spec/')),
      ]);
  const readOnlyPods = readOnly.find((r) => r.result.probe === 'readonly-pods' && r.result.outcome === 'exposed');
  // Either port's pod list names real targets: the read-only port alone is enough to aim the rest.
  const known: PodSummary[] | undefined = listed ?? (readOnlyPods ? parsePodList(readOnlyPods.body ?? '') : undefined);

  const prefer = options.prefer ?? {};
  const containerTarget = chooseContainer(known, prefer);
  const portForwardTarget = choosePortForward(known, prefer);
  const command = options.command ?? DEFAULT_COMMAND;
  const { namespace, pod, container } = containerTarget;
  const containerPath = `${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/${encodeURIComponent(container)}`;
  const cmd = command.join(' ');
  const [logs, run, exec, attach, portForward] = await Promise.all([
    probeHttp(secure('container-logs', `/containerLogs/${containerPath}?tailLines=5`)),
    // The kubelet splits `cmd` on spaces; it reads it from the query, older ones from the form too.
    probeHttp(secure('run', `/run/${containerPath}?${new URLSearchParams({ cmd })}`, { method: 'POST', form: new URLSearchParams({ cmd }) })),
    probeRemoteCommand({ kind: 'exec', host, port, target: containerTarget, command, credentials, timeoutMs }),
    probeRemoteCommand({ kind: 'attach', host, port, target: containerTarget, credentials, timeoutMs, listenMs: options.attachListenMs }),
    probePortForward({
      host, port, target: portForwardTarget, credentials, timeoutMs,
      payload: Buffer.from(options.portForwardPayload ?? DEFAULT_FORWARD_PAYLOAD),
    }),
  ]);

  const probes: ProbeResult[] = [
    ...[healthz, pods, runningpods, configz, metrics, logs, run].map((p) => p.result),
    exec, attach, portForward,
    ...readOnly.map((p) => p.result),
  ];
  for (const p of probes) logger?.debug({ probe: p.probe, status: p.status, outcome: p.outcome }, 'Probe done');
  return {
    target: formatAddress({ host, port }),
    host,
    port,
    readOnlyPort: readOnlyPort === 0 ? null : readOnlyPort,
    identity: identityOf(credentials),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    tls,
    pods: (known ?? []).map((p) => `${p.namespace}/${p.name}`),
    containerTarget,
    portForwardTarget,
    probes,
    attacks: summarizeAttacks(probes),
  };
}

/** Several kubelets with the same settings. */
export interface ScanAllOptions extends ScanSettings {
  targets: readonly string[];
}

/** Scans each target (in parallel); reports in the order given. */
export function scanKubelets(options: ScanAllOptions): Promise<ScanReport[]> {
  const { targets, ...settings } = options;
  return Promise.all(targets.map((target) => scanKubelet({ ...settings, target })));
}

/** Who the kubelet sees: a client certificate wins the kubelet's authenticator order, then a token. */
export function identityOf(credentials: ScanCredentials | undefined): ScanIdentity {
  if (credentials?.clientCertificate && credentials.clientKey) return 'client-certificate';
  if (credentials?.token) return 'bearer-token';
  return 'anonymous';
}

// /configz answers `{"kubeletconfig": {..., "readOnlyPort": N}}`.
function configuredReadOnlyPort(body: string | undefined): number | undefined {
  if (!body) return undefined;
  try {
    const port = (JSON.parse(body) as { kubeletconfig?: { readOnlyPort?: unknown } }).kubeletconfig?.readOnlyPort;
    return typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : undefined;
  } catch {
    return undefined;
  }
}
