// A SPDY/3.1 session over any byte Duplex (an upgraded socket, or a WebSocket tunnel seen as a Duplex): the
// stream table, SYN_REPLY for every accepted stream, PING echo, GOAWAY both ways. Flow control is
// deliberately absent: Go's spdystream (kubectl, the apiserver) never sends WINDOW_UPDATE, so a sender that
// honoured the 64 KiB window would stall; backpressure comes from the connection instead — a full socket
// delays writers, a full reader pauses the socket.
import type { Duplex } from 'node:stream';
import { FrameParser } from './frame-parser.ts';
import { encodeFrame, GoAwayStatus, RstStatus, SpdyProtocolError } from './frames.ts';
import type { Frame, SynReplyFrame, SynStreamFrame } from './frames.ts';
import { HeaderCompressor, HeaderDecompressor } from './header-block.ts';
import type { HeaderInput, SpdyHeaders } from './header-block.ts';
import { SpdyStream } from './stream.ts';
import type { StreamCarrier } from './stream.ts';

/** How a session runs. */
export interface SpdySessionOptions {
  /** The bytes after the HTTP 101 (or inside the WebSocket). */
  connection: Duplex;
  /** Servers accept streams (odd ids); clients open them. */
  role: 'server' | 'client';
  /** Bytes the HTTP parser read past the upgrade request: the start of the SPDY stream. */
  head?: Buffer;
  /** Decides on each stream the peer opens: true replies, false resets it (Kubernetes' stream handler). */
  acceptStream?: (headers: SpdyHeaders, streamId: number) => boolean;
  /** After GOAWAY, how long to wait for the peer to hang up before dropping the connection (default 5 s). */
  closeTimeoutMs?: number;
}

// Go's io.Copy moves 32 KiB at a time; frames of that size keep streams interleaved fairly.
const MAX_DATA_PER_FRAME = 32 * 1024;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
// The reason the connection is paused while a header block is in the decompressor.
const DECODING = Symbol('decoding');

interface PendingReply {
  resolve(stream: SpdyStream): void;
  reject(err: Error): void;
}

/** One SPDY session; see the file comment for what it does and deliberately does not do. */
export class SpdySession implements StreamCarrier {
  private readonly connection: Duplex;
  private readonly acceptStream: (headers: SpdyHeaders, streamId: number) => boolean;
  private readonly closeTimeoutMs: number;
  private readonly parser: FrameParser;
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly pendingReplies = new Map<number, PendingReply>();
  private readonly pendingPings = new Map<number, { resolve(): void; reject(err: Error): void }>();
  private readonly holds = new Set<unknown>();
  private drainWaiters: Array<() => void> = [];
  private readonly inbox: Frame[] = [];
  private decoding = false;
  private broken = false;
  private nextStreamId: number;
  private nextPingId: number;
  private lastPeerStreamId = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private peerEnded = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly streamListeners: Array<(stream: SpdyStream) => void> = [];
  private unclaimedStreams: SpdyStream[] = [];
  private readonly closeListeners: Array<() => void> = [];

  constructor(options: SpdySessionOptions) {
    this.connection = options.connection;
    this.acceptStream = options.acceptStream ?? (() => true);
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    // Clients number streams and pings odd, servers even.
    this.nextStreamId = options.role === 'client' ? 1 : 2;
    this.nextPingId = options.role === 'client' ? 1 : 2;
    this.parser = new FrameParser((frame) => this.receive(frame));

    const connection = this.connection;
    connection.on('data', (chunk: Buffer) => this.onBytes(chunk));
    connection.on('drain', () => this.flushDrainWaiters());
    connection.on('end', () => {
      this.peerEnded = true;
      this.shutdown(GoAwayStatus.Ok);
      if (connection.writableFinished) connection.destroy();
    });
    connection.on('finish', () => {
      if (this.peerEnded) connection.destroy();
    });
    // The 'close' that follows does the cleanup; an error has nothing else to tell the streams.
    connection.on('error', () => connection.destroy());
    connection.on('close', () => this.finalize());
    if (options.head && options.head.length > 0) this.onBytes(options.head);
  }

  /** True once the connection is gone. */
  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Calls `listener` with every stream the peer opens, once its SYN_REPLY has been written. */
  onStream(listener: (stream: SpdyStream) => void): void {
    this.streamListeners.push(listener);
    const waiting = this.unclaimedStreams;
    this.unclaimedStreams = [];
    for (const stream of waiting) listener(stream);
  }

  /** Calls `listener` once the connection has closed (at once if it already has). */
  onClose(listener: () => void): void {
    if (this.state === 'closed') queueMicrotask(listener);
    else this.closeListeners.push(listener);
  }

  /** Opens a stream (as kubectl does) and resolves once the peer's SYN_REPLY arrives. */
  openStream(headers: HeaderInput): Promise<SpdyStream> {
    if (this.state !== 'open') return Promise.reject(new Error('SPDY session is closing'));
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const lowered: SpdyHeaders = {};
    for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = typeof value === 'string' ? [value] : [...value];
    const stream = new SpdyStream(this, id, lowered);
    this.streams.set(id, stream);
    const replied = new Promise<SpdyStream>((resolve, reject) => this.pendingReplies.set(id, { resolve, reject }));
    this.compressor.compress(headers).then(
      (headerBlock) => {
        const frame: SynStreamFrame = { kind: 'syn_stream', streamId: id, associatedStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock };
        this.write(encodeFrame(frame));
      },
      (err: Error) => this.pendingReplies.get(id)?.reject(err),
    );
    return replied;
  }

  /** Sends a PING and resolves when the peer echoes it (rejects if the connection closes first). */
  ping(): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new Error('SPDY connection closed'));
    const id = this.nextPingId;
    this.nextPingId += 2;
    const echoed = new Promise<void>((resolve, reject) => this.pendingPings.set(id, { resolve, reject }));
    this.write(encodeFrame({ kind: 'ping', id }));
    return echoed;
  }

  /** Says GOAWAY, half-closes the connection and lets the peer hang up (or drops it after the timeout). */
  close(): void {
    this.shutdown(GoAwayStatus.Ok);
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.connection.destroy();
  }

  sendData(streamId: number, data: Buffer, fin: boolean, done: () => void): void {
    if (this.state === 'closed' || this.connection.writableEnded || (data.length === 0 && !fin)) return done();
    let writable = true;
    let offset = 0;
    do {
      const piece = data.subarray(offset, offset + MAX_DATA_PER_FRAME);
      offset += piece.length;
      const last = offset >= data.length;
      writable = this.write(encodeFrame({ kind: 'data', streamId, fin: fin && last, data: piece }));
    } while (offset < data.length);
    if (writable) done();
    else this.drainWaiters.push(done);
  }

  sendReset(streamId: number, status: number): void {
    this.write(encodeFrame({ kind: 'rst_stream', streamId, status }));
  }

  resumeReading(stream: SpdyStream): void {
    this.release(stream);
  }

  streamDone(stream: SpdyStream): void {
    if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
    this.release(stream);
  }

  private onBytes(chunk: Buffer): void {
    if (this.state === 'closed' || this.broken) return;
    try {
      this.parser.push(chunk);
    } catch (err) {
      this.protocolError(err);
    }
  }

  // Frames are handled strictly in order; a header block decompresses asynchronously, so while one is in
  // the zlib stream the frames behind it wait (and the connection is paused).
  private receive(frame: Frame): void {
    if (this.decoding) this.inbox.push(frame);
    else this.dispatch(frame);
  }

  private dispatch(frame: Frame): void {
    switch (frame.kind) {
      case 'syn_stream':
      case 'syn_reply':
      case 'headers': {
        this.decoding = true;
        this.hold(DECODING);
        this.decompressor.decompress(frame.headerBlock).then(
          (headers) => {
            this.decoding = false;
            this.release(DECODING);
            if (this.state === 'closed') return;
            if (frame.kind === 'syn_stream') this.onSynStream(frame, headers);
            else if (frame.kind === 'syn_reply') this.onSynReply(frame, headers);
            else if (frame.fin) this.streams.get(frame.streamId)?.receiveFin();
            this.drainInbox();
          },
          (err: unknown) => this.protocolError(err),
        );
        return;
      }
      case 'data': {
        const stream = this.streams.get(frame.streamId);
        // Data for a stream already reset or forgotten is normal at teardown; SPDY says drop it.
        if (!stream) return;
        if (!stream.receiveData(frame.data)) this.hold(stream);
        if (frame.fin) stream.receiveFin();
        return;
      }
      case 'rst_stream':
        this.pendingReplies.get(frame.streamId)?.reject(new Error(`stream ${frame.streamId} reset (status ${frame.status})`));
        this.pendingReplies.delete(frame.streamId);
        this.streams.get(frame.streamId)?.receiveReset(frame.status);
        return;
      case 'ping':
        // Each side numbers its own pings with its parity; a ping of the other parity is the peer's: echo it.
        if ((frame.id & 1) !== (this.nextPingId & 1)) this.write(encodeFrame(frame));
        else this.pendingPings.get(frame.id)?.resolve();
        this.pendingPings.delete(frame.id);
        return;
      case 'goaway':
        // Kubernetes' server stops reading at GOAWAY and tears the connection down; so do we.
        this.shutdown(GoAwayStatus.Ok);
        return;
      case 'settings':
      case 'window_update':
      case 'unknown':
        return;
    }
  }

  private drainInbox(): void {
    while (!this.decoding && this.inbox.length > 0) this.dispatch(this.inbox.shift()!);
  }

  private onSynStream(frame: SynStreamFrame, headers: SpdyHeaders): void {
    if (this.streams.has(frame.streamId)) return this.sendReset(frame.streamId, RstStatus.StreamInUse);
    this.lastPeerStreamId = Math.max(this.lastPeerStreamId, frame.streamId);
    if (this.state !== 'open') return this.sendReset(frame.streamId, RstStatus.RefusedStream);
    if (!this.acceptStream(headers, frame.streamId)) return this.sendReset(frame.streamId, RstStatus.Cancel);

    const stream = new SpdyStream(this, frame.streamId, headers);
    this.streams.set(frame.streamId, stream);
    if (frame.fin) stream.receiveFin();
    if (frame.unidirectional) stream.markLocalClosed();
    this.compressor.compress({}).then(
      (headerBlock) => {
        if (this.state === 'closed') return;
        const reply: SynReplyFrame = { kind: 'syn_reply', streamId: frame.streamId, fin: false, headerBlock };
        this.write(encodeFrame(reply));
        this.announce(stream);
      },
      (err: unknown) => this.protocolError(err),
    );
  }

  private onSynReply(frame: SynReplyFrame, headers: SpdyHeaders): void {
    const stream = this.streams.get(frame.streamId);
    const pending = this.pendingReplies.get(frame.streamId);
    this.pendingReplies.delete(frame.streamId);
    if (!stream) return;
    stream.replyHeaders = headers;
    if (frame.fin) stream.receiveFin();
    pending?.resolve(stream);
  }

  private announce(stream: SpdyStream): void {
    if (this.streamListeners.length === 0) this.unclaimedStreams.push(stream);
    for (const listener of this.streamListeners) listener(stream);
  }

  private write(bytes: Buffer): boolean {
    if (this.connection.destroyed || this.connection.writableEnded) return true;
    return this.connection.write(bytes);
  }

  private hold(reason: unknown): void {
    if (this.holds.size === 0 && this.state === 'open') this.connection.pause();
    this.holds.add(reason);
  }

  private release(reason: unknown): void {
    if (this.holds.delete(reason) && this.holds.size === 0 && this.state !== 'closed') this.connection.resume();
  }

  private flushDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private protocolError(err: unknown): void {
    if (this.state === 'closed') return;
    // A broken frame stream cannot be resynchronised: stop parsing and say why before leaving.
    this.broken = true;
    this.shutdown(err instanceof SpdyProtocolError ? GoAwayStatus.ProtocolError : GoAwayStatus.InternalError);
  }

  private shutdown(status: number): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.write(encodeFrame({ kind: 'goaway', lastGoodStreamId: this.lastPeerStreamId, status }));
    this.connection.end();
    // Reading must go on so the peer's own close is seen; held-back readers just buffer until then.
    this.holds.clear();
    this.connection.resume();
    this.closeTimer = setTimeout(() => this.connection.destroy(), this.closeTimeoutMs);
    this.closeTimer.unref();
  }

  private finalize(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.closeTimer);
    this.compressor.close();
    this.decompressor.close();
    for (const stream of [...this.streams.values()]) stream.carrierClosed();
    this.streams.clear();
    const gone = new Error('SPDY connection closed');
    for (const pending of [...this.pendingReplies.values(), ...this.pendingPings.values()]) pending.reject(gone);
    this.pendingReplies.clear();
    this.pendingPings.clear();
    this.flushDrainWaiters();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
