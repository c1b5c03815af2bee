// One SPDY stream as a Node Duplex: what the peer sends is readable (its FIN ends the readable side), what
// is written goes out as data frames (end() sends FIN). Either side may abort with RST_STREAM. The stream
// tracks the protocol's two half-closes itself, because a Duplex nobody reads never emits 'end'.
import { Duplex } from 'node:stream';
import { RstStatus } from './frames.ts';
import type { SpdyHeaders } from './header-block.ts';

/** What a stream needs from the session that carries it. */
export interface StreamCarrier {
  /** Sends data frames (FIN on the last when `fin`); `done` runs once the connection can take more. */
  sendData(streamId: number, data: Buffer, fin: boolean, done: () => void): void;
  sendReset(streamId: number, status: number): void;
  /** The stream's reader wants more: stop holding the connection back on its account. */
  resumeReading(stream: SpdyStream): void;
  /** Both halves are closed (or reset): the session forgets the stream. */
  streamDone(stream: SpdyStream): void;
}

const EMPTY = Buffer.alloc(0);

/** A bidirectional SPDY stream. Emits 'reset' (status) when the peer sends RST_STREAM. */
export class SpdyStream extends Duplex {
  /** The peer's SYN_REPLY headers (streams this side opened). */
  replyHeaders: SpdyHeaders | undefined;
  private localClosed = false;
  private remoteClosed = false;
  private aborted = false;
  private carrierGone = false;

  constructor(
    private readonly carrier: StreamCarrier,
    /** The stream id (odd when the client opened it). */
    readonly id: number,
    /** The headers of the SYN_STREAM that opened it. */
    readonly headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true });
  }

  /** True once either side reset the stream. */
  get isReset(): boolean {
    return this.aborted;
  }

  /** Aborts both directions with RST_STREAM(status), as Go's Stream.Reset does. */
  reset(status: number = RstStatus.Cancel): void {
    if (this.aborted || this.carrierGone || (this.localClosed && this.remoteClosed)) {
      this.destroy();
      return;
    }
    this.aborted = true;
    this.carrier.sendReset(this.id, status);
    this.destroy();
  }

  /** Session side: a data frame arrived. Returns false when the reader is full. */
  receiveData(data: Buffer): boolean {
    if (this.remoteClosed || this.destroyed) return true;
    return data.length === 0 ? true : this.push(data);
  }

  /** Session side: the peer half-closed. */
  receiveFin(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    this.settle();
  }

  /** Session side: the peer sent RST_STREAM. */
  receiveReset(status: number): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('reset', status);
    this.endReadable();
    this.destroy();
  }

  /** Session side: the peer will never send on this stream (a unidirectional stream we opened). */
  markLocalClosed(): void {
    this.localClosed = true;
    this.settle();
  }

  /** Session side: the connection is gone; end quietly. */
  carrierClosed(): void {
    this.carrierGone = true;
    this.endReadable();
    this.destroy();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // After a reset or a lost connection, bytes have nowhere to go; dropping them mirrors a closed socket
    // without turning a normal teardown into an error for whoever is piping into us.
    if (this.aborted || this.carrierGone || this.localClosed) return callback();
    this.carrier.sendData(this.id, chunk, false, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.aborted || this.carrierGone || this.localClosed) return callback();
    this.localClosed = true;
    this.carrier.sendData(this.id, EMPTY, true, () => callback());
    this.settle();
  }

  override _read(): void {
    this.carrier.resumeReading(this);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.aborted && !this.carrierGone && !(this.localClosed && this.remoteClosed)) {
      this.aborted = true;
      this.carrier.sendReset(this.id, RstStatus.Cancel);
    }
    this.carrier.streamDone(this);
    callback(error);
  }

  private endReadable(): void {
    if (!this.remoteClosed) {
      this.remoteClosed = true;
      this.push(null);
    }
  }

  private settle(): void {
    if (this.localClosed && this.remoteClosed) this.carrier.streamDone(this);
  }
}
