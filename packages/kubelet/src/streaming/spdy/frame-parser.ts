// Cuts a byte stream into SPDY frames, whatever the chunk boundaries: a socket (or a WebSocket tunnel) may
// hand over half a header, or three frames and a bit. Frames come out in order, synchronously, from push().
import { decodeFrame, FRAME_HEADER_LENGTH, frameLength, MAX_FRAME_LENGTH, RstStatus, SpdyProtocolError } from './frames.ts';
import type { Frame } from './frames.ts';

/** Limits for a parser. */
export interface FrameParserOptions {
  /** Frames announcing a longer payload are refused (default: the 24-bit maximum). */
  maxFrameLength?: number;
}

/** A push parser: feed chunks, receive whole frames. Throws SpdyProtocolError on bad input. */
export class FrameParser {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private header: Buffer | undefined;
  private readonly maxFrameLength: number;

  constructor(
    private readonly onFrame: (frame: Frame) => void,
    options: FrameParserOptions = {},
  ) {
    this.maxFrameLength = options.maxFrameLength ?? MAX_FRAME_LENGTH;
  }

  /** Bytes received but not yet part of a whole frame. */
  get pendingBytes(): number {
    return this.buffered + (this.header?.length ?? 0);
  }

  /** Adds bytes; calls onFrame for every frame they complete. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (!this.header) {
        if (this.buffered < FRAME_HEADER_LENGTH) return;
        this.header = this.take(FRAME_HEADER_LENGTH);
        if (frameLength(this.header) > this.maxFrameLength) {
          throw new SpdyProtocolError(`frame of ${frameLength(this.header)} bytes is too large`, RstStatus.FrameTooLarge);
        }
      }
      const length = frameLength(this.header);
      if (this.buffered < length) return;
      const header = this.header;
      this.header = undefined;
      this.onFrame(decodeFrame(header, this.take(length)));
    }
  }

  // Copies only when a frame straddles chunks; a frame inside one chunk is a view of it.
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (n === 0) return Buffer.alloc(0);
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    const out = Buffer.allocUnsafe(n);
    let offset = 0;
    while (offset < n) {
      const chunk = this.chunks[0];
      const used = Math.min(chunk.length, n - offset);
      chunk.copy(out, offset, 0, used);
      offset += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }
}
