// What the man in the middle learns from one intercepted connection: every request and response in
// plaintext and, after an upgrade, every message with its channel. Built from bytes only.
import { StringDecoder } from 'node:string_decoder';
import { decodeChannelMessage, isChannelProtocol } from './channel-message.ts';
import { HttpStreamReader, type HttpHead } from './http-stream.ts';
import { FrameReader, type WebSocketFrame } from './websocket-frames.ts';

/** Which way bytes went: from the apiserver to the kubelet, or back. */
export type Direction = 'to-kubelet' | 'to-apiserver';

/** One message of an upgraded stream. */
export interface StreamMessage {
  direction: Direction;
  /** WebSocket opcode; absent for a non-WebSocket upgrade (SPDY), whose raw chunks are recorded. */
  opcode?: number;
  /** The exec/attach channel (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize, 255 close), when there is one. */
  channel?: number;
  data: Buffer;
  /** True for frames the man in the middle wrote itself. */
  injected?: boolean;
}

/** An upgraded stream: the protocol switched to and what travelled on it. */
export interface CapturedStream {
  /** The `Upgrade` header of the 101 (`websocket`, `SPDY/3.1`). */
  protocol: string;
  /** The agreed `Sec-WebSocket-Protocol`, for WebSockets. */
  subprotocol?: string;
  messages: StreamMessage[];
}

/** A request, its response and, if it upgraded, the stream. Bodies are decoded text (chunking removed). */
export interface CapturedExchange {
  request: HttpHead & { body: string };
  response?: HttpHead & { body: string };
  stream?: CapturedStream;
}

/** One intercepted TLS connection, in plaintext. */
export interface Capture {
  id: number;
  /** The apiserver's address and port, as the man in the middle saw it. */
  client: string;
  opened: Date;
  exchanges: CapturedExchange[];
  /** Set when either side ended the connection. */
  closed: boolean;
  /** Set when bytes stopped parsing (still relayed, no longer recorded). */
  unparsable?: string;
}

/** Builds a Capture from both directions' bytes; never throws (the relay must not depend on parsing). */
export class CaptureRecorder {
  readonly capture: Capture;
  private readonly requests = HttpStreamReader.requests();
  private readonly responses: HttpStreamReader;
  private readonly pendingMethods: string[] = [];
  private readonly answered: CapturedExchange[] = [];
  private readonly toKubeletFrames = new FrameReader();
  private readonly toApiserverFrames = new FrameReader();
  private requestText?: StringDecoder;
  private responseText?: StringDecoder;

  constructor(init: { id: number; client: string }) {
    this.capture = { id: init.id, client: init.client, opened: new Date(), exchanges: [], closed: false };
    this.responses = HttpStreamReader.responses(() => this.pendingMethods.shift());
  }

  /** The exchange whose stream is live (the connection's last, once upgraded). */
  get stream(): CapturedStream | undefined {
    return this.capture.exchanges.at(-1)?.stream;
  }

  /** The exec/attach path, if this connection upgraded to a channel protocol with stdin. */
  get stdinSession(): { subprotocol: string; target: string } | undefined {
    const last = this.capture.exchanges.at(-1);
    const sub = last?.stream?.subprotocol;
    if (!last || !isChannelProtocol(sub) || !/^\/(exec|attach)\//.test(last.request.target ?? '')) return undefined;
    return { subprotocol: sub!, target: last.request.target! };
  }

  /** Bytes the apiserver sent. */
  fromApiserver(chunk: Buffer): void {
    this.guard(() => {
      for (const e of this.requests.feed(chunk)) {
        if (e.kind === 'head') {
          this.capture.exchanges.push({ request: { ...e.head, body: '' } });
          this.pendingMethods.push(e.head.method ?? 'GET');
          this.requestText = new StringDecoder('utf8');
        } else if (e.kind === 'body') this.capture.exchanges.at(-1)!.request.body += this.requestText!.write(e.data);
        else if (e.kind === 'upgraded') {
          this.upgradedToKubelet += e.data.length;
          this.upgradedData('to-kubelet', e.data);
        }
      }
    });
  }

  /** Bytes the apiserver sent after its upgrade request (a relay splicing frames must have seen them all). */
  upgradedToKubelet = 0;

  /** Bytes the kubelet sent. */
  fromKubelet(chunk: Buffer): void {
    this.guard(() => {
      for (const e of this.responses.feed(chunk)) {
        if (e.kind === 'head') this.onResponseHead(e.head);
        else if (e.kind === 'body') this.answered.at(-1)!.response!.body += this.responseText!.write(e.data);
        else if (e.kind === 'upgraded') this.upgradedData('to-apiserver', e.data);
      }
    });
  }

  /** Whether the apiserver's side has switched protocols (its later bytes are frames, not HTTP). */
  get clientUpgraded(): boolean {
    return this.requests.upgraded;
  }

  /** Record a message the man in the middle sent itself. */
  recordInjected(message: Omit<StreamMessage, 'injected'>): void {
    this.stream?.messages.push({ ...message, injected: true });
  }

  /** The connection ended. */
  close(): void {
    this.guard(() => this.responses.close());
    this.capture.closed = true;
  }

  private onResponseHead(head: HttpHead): void {
    if ((head.status ?? 0) < 200 && head.status !== 101) return;
    const exchange = this.capture.exchanges[this.answered.length];
    if (!exchange) throw new Error('a response without a request');
    this.answered.push(exchange);
    exchange.response = { ...head, body: '' };
    this.responseText = new StringDecoder('utf8');
    if (head.status === 101) {
      exchange.stream = { protocol: head.headers.upgrade ?? '', subprotocol: head.headers['sec-websocket-protocol'], messages: [] };
    }
  }

  private upgradedData(direction: Direction, data: Buffer): void {
    const stream = this.stream;
    if (!stream) return; // the apiserver spoke first, before any 101: nothing to attribute it to yet
    if (!/^websocket$/i.test(stream.protocol)) {
      stream.messages.push({ direction, data: Buffer.from(data) });
      return;
    }
    const reader = direction === 'to-kubelet' ? this.toKubeletFrames : this.toApiserverFrames;
    this.recordFrames(direction, reader.feed(data).frames);
  }

  private recordFrames(direction: Direction, frames: WebSocketFrame[]): void {
    const stream = this.stream;
    if (!stream) return;
    for (const frame of frames) {
      const message = decodeChannelMessage(stream.subprotocol, frame);
      stream.messages.push(
        message
          ? { direction, opcode: frame.opcode, channel: message.channel, data: message.data }
          : { direction, opcode: frame.opcode, data: frame.payload },
      );
    }
  }

  private guard(fn: () => unknown): void {
    if (this.capture.unparsable) return;
    try {
      fn();
    } catch (err) {
      this.capture.unparsable = (err as Error).message;
    }
  }
}

/** Everything `direction` carried on `channel` of a capture's stream, as text. */
export function channelText(capture: Capture, channel: number, direction?: Direction): string {
  return capture.exchanges
    .flatMap((x) => x.stream?.messages ?? [])
    .filter((m) => m.channel === channel && (direction === undefined || m.direction === direction))
    .map((m) => m.data.toString('utf8'))
    .join('');
}

