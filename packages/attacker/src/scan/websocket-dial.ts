// Opening a WebSocket to a kubelet the way a scanner does: no certificate verification, optional credentials,
// and a refused upgrade read to the end so its status and text become evidence. `ws` ships no types and
// @types/ws is not installed, so it is loaded through require and typed here by the members used.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { credentialHeaders, tlsClientOptions } from './kubelet-request.ts';
import type { ScanCredentials } from './types.ts';

/** The parts of a `ws` client WebSocket the probes use. */
export interface ProbeWebSocket {
  readonly protocol: string;
  readonly readyState: number;
  send(data: Buffer, callback?: (err?: Error) => void): void;
  close(code?: number): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  once(event: 'open', listener: () => void): this;
  once(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
  once(event: 'unexpected-response', listener: (req: ClientRequest, res: IncomingMessage) => void): this;
}

interface WsClass {
  new (url: string, protocols: string[], options: Record<string, unknown>): ProbeWebSocket;
}

const WebSocket = (createRequire(import.meta.url)('ws') as { WebSocket: WsClass }).WebSocket;

/** Where and how to dial. */
export interface DialOptions {
  /** `wss://host:port/path?query`. */
  url: string;
  /** Subprotocols offered, most preferred first. */
  protocols: string[];
  credentials?: ScanCredentials;
  timeoutMs: number;
}

/** The upgrade's outcome: an open socket, the kubelet's refusal (status and body), or no answer at all. */
export type DialResult =
  | { kind: 'open'; ws: ProbeWebSocket; protocol: string }
  | { kind: 'refused'; status: number; body: string }
  | { kind: 'failed'; error: string };

/** Dials `url`; never rejects. */
export function dialWebSocket(opts: DialOptions): Promise<DialResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: DialResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const ws = new WebSocket(opts.url, opts.protocols, {
      ...tlsClientOptions(opts.credentials),
      headers: credentialHeaders(opts.credentials),
      handshakeTimeout: opts.timeoutMs,
      perMessageDeflate: false,
    });
    ws.once('open', () => settle({ kind: 'open', ws, protocol: ws.protocol }));
    // `on`, not `once`: a late error (the refused response's socket going away) must not go unhandled.
    ws.on('error', (err) => settle({ kind: 'failed', error: err.message }));
    ws.once('unexpected-response', (req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => undefined);
      res.once('close', () => {
        settle({ kind: 'refused', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
    });
  });
}
