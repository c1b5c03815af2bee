// The exec and attach probes: a WebSocket upgrade offering v5/v4.channel.k8s.io, as @kubernetes/client-node
// and kubectl ≥1.30 send it. exec runs a command and reads its output and status; attach reads whatever the
// container's main process prints for a moment, then hangs up.
import { ChannelBuffers, Channel, REMOTE_COMMAND_PROTOCOLS, statusFailure } from './channel-messages.ts';
import { snippet } from './outcome.ts';
import { upgrade } from './upgrade-probe.ts';
import type { ProbeWebSocket } from './websocket-dial.ts';
import type { ContainerTarget, ProbeResult, ScanCredentials } from './types.ts';

/** One exec or attach probe. */
export interface RemoteCommandProbe {
  kind: 'exec' | 'attach';
  host: string;
  port: number;
  target: ContainerTarget;
  /** exec only. */
  command?: readonly string[];
  credentials?: ScanCredentials;
  timeoutMs: number;
  /** attach: how long to listen when the container says nothing (default 2 s). */
  listenMs?: number;
}

const DEFAULT_LISTEN_MS = 2000;

/** The path of the probe, query included. */
export function remoteCommandPath(probe: Pick<RemoteCommandProbe, 'kind' | 'target' | 'command'>): string {
  const { namespace, pod, container } = probe.target;
  const query = new URLSearchParams();
  if (probe.kind === 'exec') for (const arg of probe.command ?? []) query.append('command', arg);
  query.append('output', '1');
  query.append('error', '1');
  return `/${probe.kind}/${enc(namespace)}/${enc(pod)}/${enc(container)}?${query}`;
}

/** Runs the probe; never rejects. */
export async function probeRemoteCommand(probe: RemoteCommandProbe): Promise<ProbeResult> {
  const base = { probe: probe.kind, scheme: 'https', port: probe.port, method: 'GET', path: remoteCommandPath(probe) } as const;
  const dialed = await upgrade({ base, host: probe.host, protocols: REMOTE_COMMAND_PROTOCOLS, credentials: probe.credentials, timeoutMs: probe.timeoutMs });
  if (dialed.kind === 'finding') return dialed.result;
  const listenMs = probe.listenMs ?? DEFAULT_LISTEN_MS;
  const buffers = await collect(dialed.ws, probe.kind === 'exec' ? probe.timeoutMs : listenMs, probe.kind === 'attach');
  const output = buffers.text(Channel.stdout) + buffers.text(Channel.stderr);
  const failure = statusFailure(buffers.text(Channel.error));
  const evidence =
    probe.kind === 'exec'
      ? `${output ? snippet(output) : '(no output)'}${failure ? ` [${snippet(failure, 80)}]` : ''}`
      : output
        ? snippet(output)
        : `(attached; no output within ${listenMs} ms)`;
  return { ...base, status: 101, outcome: 'exposed', evidence, subprotocol: dialed.protocol };
}

// Reads until the kubelet closes, `waitMs` pass, or (attach) a short pause after the first output.
function collect(ws: ProbeWebSocket, waitMs: number, stopAfterOutput: boolean): Promise<ChannelBuffers> {
  const buffers = new ChannelBuffers();
  return new Promise((resolve) => {
    let pause: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(deadline);
      clearTimeout(pause);
      if (ws.readyState === 1) ws.close(1000);
      setTimeout(() => ws.terminate(), 1000).unref();
      resolve(buffers);
    };
    const deadline = setTimeout(done, waitMs);
    ws.on('message', (data) => {
      buffers.add(data);
      const channel = data[0];
      if (stopAfterOutput && (channel === Channel.stdout || channel === Channel.stderr) && !pause) pause = setTimeout(done, 300);
    });
    ws.once('close', done);
    ws.on('error', () => undefined);
  });
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** `host` as it goes in a URL (IPv6 in brackets). */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
