// The port-forward probe neither kubeletctl nor kube-hunter has: a WebSocket upgrade to /portForward offering
// v4.channel.k8s.io (the kubelet's WebSocket port-forward protocol; `portforward.k8s.io` names the SPDY one),
// one port per `port` query. The kubelet opens channel 0 (data) and 1 (error) for it, each starting with the
// port as a little-endian uint16; the probe then sends bytes into the pod's port and reads the answer back.
import { ChannelBuffers, PORT_FORWARD_PROTOCOLS, channelMessage } from './channel-messages.ts';
import { snippet, snippetEnds } from './outcome.ts';
import { upgrade } from './upgrade-probe.ts';
import type { ProbeWebSocket } from './websocket-dial.ts';
import type { PortForwardTarget, ProbeResult, ScanCredentials } from './types.ts';

const DATA = 0;
const ERROR = 1;
const PORT_PREFIX_BYTES = 2;
const ERROR_EVIDENCE_CHARS = 241;

/** What the probe sends by default: an HTTP request, which an echo server returns and a web server answers. */
export const DEFAULT_FORWARD_PAYLOAD = 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n';

/** One port-forward probe. */
export interface PortForwardProbe {
  host: string;
  port: number;
  target: PortForwardTarget;
  /** Bytes sent to the pod's port. */
  payload: Buffer;
  credentials?: ScanCredentials;
  timeoutMs: number;
}

/** What came back through the tunnel. */
export interface ForwardExchange {
  /** The port the kubelet announced on the data channel (should be the one asked for). */
  announcedPort?: number;
  received: Buffer;
  /** Text the kubelet sent on the error channel (e.g. the pod refused the connection). */
  error: string;
}

/** The probe's path, query included. */
export function portForwardPath(target: PortForwardTarget): string {
  return `/portForward/${encodeURIComponent(target.namespace)}/${encodeURIComponent(target.pod)}?port=${target.port}`;
}

/** Runs the probe; never rejects. */
export async function probePortForward(probe: PortForwardProbe): Promise<ProbeResult> {
  const base = { probe: 'port-forward', scheme: 'https', port: probe.port, method: 'GET', path: portForwardPath(probe.target) } as const;
  const dialed = await upgrade({ base, host: probe.host, protocols: PORT_FORWARD_PROTOCOLS, credentials: probe.credentials, timeoutMs: probe.timeoutMs });
  if (dialed.kind === 'finding') return dialed.result;
  const exchange = await forward(dialed.ws, probe.payload, probe.timeoutMs);
  return { ...base, status: 101, outcome: 'exposed', evidence: describeExchange(probe, exchange), subprotocol: dialed.protocol };
}

/** Evidence for an exchange: what went in, what came out, or the kubelet's error. */
export function describeExchange(probe: Pick<PortForwardProbe, 'target' | 'payload' | 'timeoutMs'>, x: ForwardExchange): string {
  const port = probe.target.port;
  const announced = x.announcedPort !== undefined && x.announcedPort !== port ? ` (kubelet announced port ${x.announcedPort})` : '';
  // The kubelet's forwarding errors put the cause (`connect: connection refused`) last.
  if (x.error) return `port ${port}${announced}: ${snippetEnds(x.error, ERROR_EVIDENCE_CHARS)}`;
  if (x.received.length === 0) return `port ${port}${announced}: sent ${probe.payload.length} bytes, no answer within ${probe.timeoutMs} ms`;
  const echoed = x.received.equals(probe.payload) ? ' (echoed)' : '';
  return `port ${port}${announced}: sent ${probe.payload.length} bytes, received ${x.received.length}${echoed}: ${snippet(x.received.toString('utf8'))}`;
}

// Sends the payload on the data channel; reads until as many bytes came back, an error, a pause after some
// answer, the kubelet's close, or the deadline.
function forward(ws: ProbeWebSocket, payload: Buffer, timeoutMs: number): Promise<ForwardExchange> {
  const buffers = new ChannelBuffers();
  const exchange = (): ForwardExchange => {
    const data = buffers.bytes(DATA);
    const error = buffers.bytes(ERROR);
    return {
      announcedPort: data.length >= PORT_PREFIX_BYTES ? data.readUInt16LE(0) : undefined,
      received: data.subarray(PORT_PREFIX_BYTES),
      error: error.subarray(PORT_PREFIX_BYTES).toString('utf8'),
    };
  };
  return new Promise((resolve) => {
    let pause: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(deadline);
      clearTimeout(pause);
      if (ws.readyState === 1) ws.close(1000);
      setTimeout(() => ws.terminate(), 1000).unref();
      resolve(exchange());
    };
    const deadline = setTimeout(done, timeoutMs);
    ws.on('message', (data) => {
      buffers.add(data);
      const x = exchange();
      if (x.error || x.received.length >= payload.length) return done();
      if (x.received.length > 0) {
        clearTimeout(pause);
        pause = setTimeout(done, 500);
      }
    });
    ws.once('close', done);
    ws.on('error', () => undefined);
    ws.send(channelMessage(DATA, payload));
  });
}
