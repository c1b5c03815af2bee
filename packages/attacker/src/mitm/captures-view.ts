// What a man in the middle read, as text for people: the shape of `hubspoke up`'s lab API GET /captures and of
// `hubspoke-attacker mitm --captures-address`, so the dashboard reads either. Bodies and stream text keep their
// last MAX_TEXT characters: a `logs -f` left running must not make every poll megabytes.
import { channelText, type Capture } from './capture.ts';
import { Channel } from './channel-message.ts';
import type { Mitm } from './mitm.ts';

/** One intercepted exchange, as people read it. */
export interface CaptureExchangeView {
  method: string;
  target: string;
  status?: number;
  /** The response body (logs, JSON), its last MAX_TEXT characters. */
  body: string;
  /** For an exec/attach/port-forward upgrade: what travelled on each channel. */
  stream?: { protocol: string; subprotocol?: string; stdin: string; stdout: string; stderr: string };
}

/** One intercepted connection. */
export interface CaptureView {
  id: number;
  client: string;
  opened: string;
  closed: boolean;
  exchanges: CaptureExchangeView[];
}

/** GET /captures. */
export interface CapturesResponse {
  attacker?: { kind: 'mitm'; address: string; port: number; victim: string };
  /** Connections the apiserver hung up on (it refused the attacker's certificate). */
  refused: { client: string; reason: string }[];
  captures: CaptureView[];
}

const MAX_TEXT = 8 * 1024;

/** Everything `mitm` has read so far; `victim` names the node whose address it holds. */
export function capturesResponse(mitm: Mitm, victim: string): CapturesResponse {
  return {
    attacker: { kind: 'mitm', address: mitm.address, port: mitm.port, victim },
    refused: mitm.failures().map((f) => ({ client: f.client, reason: f.reason })),
    captures: mitm.captures().map(captureView),
  };
}

/** A capture as text for people. */
export function captureView(capture: Capture): CaptureView {
  return {
    id: capture.id,
    client: capture.client,
    opened: capture.opened.toISOString(),
    closed: capture.closed,
    exchanges: capture.exchanges.map((x) => {
      const one: Capture = { ...capture, exchanges: [x] };
      return {
        method: x.request.method ?? '',
        target: x.request.target ?? '',
        status: x.response?.status,
        body: tail(x.response?.body ?? ''),
        stream: x.stream
          ? {
              protocol: x.stream.protocol,
              subprotocol: x.stream.subprotocol,
              stdin: tail(channelText(one, Channel.stdin, 'to-kubelet')),
              stdout: tail(channelText(one, Channel.stdout, 'to-apiserver')),
              stderr: tail(channelText(one, Channel.stderr, 'to-apiserver')),
            }
          : undefined,
      };
    }),
  };
}

function tail(text: string): string {
  return text.length > MAX_TEXT ? `…${text.slice(-MAX_TEXT)}` : text;
}

