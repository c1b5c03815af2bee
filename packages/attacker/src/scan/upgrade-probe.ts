// The first half of every streaming probe (exec, attach, port-forward): the WebSocket upgrade to the kubelet,
// and when the kubelet does not switch protocols, the finding that says why (its status and text, or the error).
import { classifyAnswer, snippet } from './outcome.ts';
import type { ProbeResult, ScanCredentials } from './types.ts';
import { dialWebSocket, type ProbeWebSocket } from './websocket-dial.ts';
import { urlHost } from './remote-command-probe.ts';

/** What the probe reports about itself, whatever happens. */
export type ProbeBase = Pick<ProbeResult, 'probe' | 'scheme' | 'port' | 'method' | 'path'>;

/** Where to upgrade, offering which subprotocols, as whom. */
export interface UpgradeProbe {
  base: ProbeBase;
  host: string;
  protocols: string[];
  credentials?: ScanCredentials;
  timeoutMs: number;
}

/** The open stream to use, or the finding when there is none. */
export type UpgradeOutcome = { kind: 'open'; ws: ProbeWebSocket; protocol: string } | { kind: 'finding'; result: ProbeResult };

/** Upgrade to `base.path` on the kubelet; never rejects. */
export async function upgrade(probe: UpgradeProbe): Promise<UpgradeOutcome> {
  const { base } = probe;
  const dialed = await dialWebSocket({
    url: `wss://${urlHost(probe.host)}:${base.port}${base.path}`,
    protocols: probe.protocols,
    credentials: probe.credentials,
    timeoutMs: probe.timeoutMs,
  });
  if (dialed.kind === 'failed') return { kind: 'finding', result: { ...base, status: null, outcome: 'error', evidence: snippet(dialed.error) } };
  if (dialed.kind === 'refused') {
    return { kind: 'finding', result: { ...base, status: dialed.status, outcome: classifyAnswer(dialed.status, dialed.body), evidence: snippet(dialed.body.trim()) } };
  }
  return { kind: 'open', ws: dialed.ws, protocol: dialed.protocol };
}
