// RFC 6455 framing as an onlooker sees it: whole frames out of arbitrarily chunked bytes, and the offsets
// where frames end, so a relay can slip its own frame in without splitting anyone else's.
import { randomBytes } from 'node:crypto';

/** WebSocket opcodes (RFC 6455 §5.2). */
export const Opcode = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** One frame, its payload already unmasked. */
export interface WebSocketFrame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** What one chunk completed: the frames, and each frame's end as an offset into that chunk. */
export interface FeedResult {
  frames: WebSocketFrame[];
  boundaries: number[];
}

/** Larger claims are treated as garbage rather than buffered (no one sends a 1 GiB frame to a kubelet). */
const MAX_FRAME_BYTES = 1 << 30;

/** Reassembles frames from one direction of a WebSocket; throws on bytes that cannot be a frame. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** True when no partial frame is held: the next byte starts a frame. */
  get atBoundary(): boolean {
    return this.buffered === 0;
  }

  /** Take the next chunk; returns the frames it completed. */
  feed(chunk: Buffer): FeedResult {
    const result: FeedResult = { frames: [], boundaries: [] };
    if (chunk.length === 0) return result;
    const heldBefore = this.buffered;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    let consumed = 0; // bytes of old + new data already turned into frames
    for (;;) {
      // A large frame arrives in many chunks: join them once, when all of it is here.
      this.needed ??= frameSize(this.take(MAX_HEADER_BYTES, false));
      if (this.needed === undefined || this.buffered < this.needed) break;
      result.frames.push(decodeFrame(this.take(this.needed, true)));
      consumed += this.needed;
      result.boundaries.push(consumed - heldBefore);
      this.needed = undefined;
    }
    return result;
  }

  private needed: number | undefined;

  /** The first `n` held bytes (fewer if fewer are held); `remove` drops them from the buffer. */
  private take(n: number, remove: boolean): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = all.length ? [all] : [];
    const head = all.subarray(0, n);
    if (remove) {
      const rest = all.subarray(n);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
    return head;
  }
}

const MAX_HEADER_BYTES = 14;

/** The total length of the frame starting at `data[0]`, or undefined while its header is incomplete. */
function frameSize(data: Buffer): number | undefined {
  if (data.length < 2) return undefined;
  if ((data[0] & 0x70) !== 0) throw new Error('websocket frame with reserved bits set (extensions are not negotiated here)');
  const masked = (data[1] & 0x80) !== 0;
  let length = data[1] & 0x7f;
  let header = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    header = 4;
  } else if (length === 127) {
    if (data.length < 10) return undefined;
    const big = data.readBigUInt64BE(2);
    if (big > BigInt(MAX_FRAME_BYTES)) throw new Error(`websocket frame of ${big} bytes`);
    length = Number(big);
    header = 10;
  }
  return header + (masked ? 4 : 0) + length;
}

function decodeFrame(raw: Buffer): WebSocketFrame {
  const masked = (raw[1] & 0x80) !== 0;
  const len7 = raw[1] & 0x7f;
  const header = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
  const start = header + (masked ? 4 : 0);
  const payload = Buffer.from(raw.subarray(start));
  if (masked) {
    const key = raw.subarray(header, header + 4);
    for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
  }
  return { fin: (raw[0] & 0x80) !== 0, opcode: raw[0] & 0x0f, masked, payload };
}

/** What to put in one frame. Client frames must be masked (RFC 6455 §5.3); `mask: true` picks a random key. */
export interface FrameSpec {
  opcode: number;
  payload: Buffer;
  fin?: boolean;
  mask?: Buffer | boolean;
}

/** Encode one frame. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const { payload } = spec;
  const key = spec.mask === true ? randomBytes(4) : spec.mask || undefined;
  const lengthBytes = payload.length < 126 ? 0 : payload.length <= 0xffff ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (key ? 4 : 0));
  header[0] = ((spec.fin ?? true) ? 0x80 : 0) | spec.opcode;
  const maskBit = key ? 0x80 : 0;
  if (lengthBytes === 0) header[1] = maskBit | payload.length;
  else if (lengthBytes === 2) {
    header[1] = maskBit | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  if (!key) return Buffer.concat([header, payload]);
  key.copy(header, 2 + lengthBytes);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([header, body]);
}
