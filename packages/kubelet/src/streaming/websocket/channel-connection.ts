// A WebSocket carrying numbered channels: framing per subprotocol, flow control both ways (sends wait while
// the socket is backed up; reading pauses while any channel's reader is full), a ping heartbeat, and the
// closing handshake (code 1000) once the session is over.
import { decodeChannelMessage, encodeChannelMessage } from './channel-codec.ts';
import type { ChannelProtocol } from './subprotocol.ts';
import type { WebSocket } from './ws-library.ts';

/** Tuning of a channel connection. */
export interface ChannelConnectionOptions {
  /** send() waits while more than this many bytes are queued for the socket (default 1 MiB). */
  highWaterMark?: number;
  /** Ping interval; a peer that misses a whole interval while we read is dropped (default 30 s, 0 = off). */
  heartbeatMs?: number;
}

/** Sending on a connection that is closing or closed. */
export class ConnectionClosedError extends Error {
  readonly code = 'ERR_STREAM_CONNECTION_CLOSED';

  constructor() {
    super('connection closed');
    this.name = 'ConnectionClosedError';
  }
}

const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
const DEFAULT_HEARTBEAT_MS = 30_000;

/** The channels of one accepted WebSocket. */
export class ChannelConnection {
  private readonly highWaterMark: number;
  private readonly holds = new Set<number>();
  private readonly closeListeners: (() => void)[] = [];
  private dataListener: (channel: number, payload: Buffer) => void = () => {};
  private halfCloseListener: (channel: number) => void = () => {};
  private ending = false;
  private closedFired = false;
  private awaitingPong = false;
  private readonly heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    readonly protocol: ChannelProtocol,
    opts: ChannelConnectionOptions = {},
  ) {
    this.highWaterMark = opts.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    ws.on('message', (data) => this.receive(data));
    ws.on('pong', () => (this.awaitingPong = false));
    // 'close' always follows an error; the error itself has nobody to tell.
    ws.on('error', () => undefined);
    ws.on('close', () => this.fireClose());
    const heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    if (heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
      this.heartbeat.unref();
    }
  }

  /** True once close() was called or the peer went away. */
  get closed(): boolean {
    return this.ending || this.closedFired;
  }

  /** Receives every data message (one listener: the session). */
  onData(listener: (channel: number, payload: Buffer) => void): void {
    this.dataListener = listener;
  }

  /** Receives v5 half-closes. */
  onHalfClose(listener: (channel: number) => void): void {
    this.halfCloseListener = listener;
  }

  /** Called once when the WebSocket is closed, whoever closed it. */
  onClose(listener: () => void): void {
    if (this.closedFired) queueMicrotask(listener);
    else this.closeListeners.push(listener);
  }

  /** Sends `payload` on `channel`; resolves when the caller may send more, rejects once closed. */
  send(channel: number, payload: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new ConnectionClosedError());
    const message = encodeChannelMessage(this.protocol, channel, payload);
    return new Promise((resolve, reject) => {
      let settled = false;
      this.ws.send(message.data, { binary: message.binary }, (err) => {
        if (settled) return;
        settled = true;
        if (err) reject(new ConnectionClosedError());
        else resolve();
      });
      // Below the mark the next write may go at once; above it the caller waits for this one to be written.
      if (!settled && this.ws.bufferedAmount < this.highWaterMark) {
        settled = true;
        resolve();
      }
    });
  }

  /** Stops reading from the peer until release(channel): that channel's reader is full. */
  hold(channel: number): void {
    this.holds.add(channel);
    if (!this.ws.isPaused) this.ws.pause();
  }

  /** The reader of `channel` wants more. */
  release(channel: number): void {
    if (!this.holds.delete(channel) || this.holds.size > 0) return;
    if (this.ws.isPaused && !this.closedFired) this.ws.resume();
  }

  /** Starts the closing handshake after what is queued; later sends reject. */
  close(code = 1000): void {
    if (this.closed) return;
    this.ending = true;
    // The peer's close frame must be read for the handshake to finish.
    this.ws.resume();
    this.ws.close(code);
  }

  /** Drops the connection without a handshake. */
  destroy(): void {
    this.ending = true;
    this.ws.terminate();
  }

  private receive(data: Buffer): void {
    this.awaitingPong = false;
    const message = decodeChannelMessage(this.protocol, data);
    if (message.kind === 'data') this.dataListener(message.channel, message.payload);
    else if (message.kind === 'half-close') this.halfCloseListener(message.channel);
  }

  private beat(): void {
    // A peer we stopped reading from cannot be blamed for a pong we have not read.
    if (this.awaitingPong && !this.ws.isPaused) {
      this.destroy();
      return;
    }
    this.awaitingPong = true;
    this.ws.ping();
  }

  private fireClose(): void {
    if (this.closedFired) return;
    this.closedFired = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
