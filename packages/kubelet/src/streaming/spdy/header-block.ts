// SPDY/3 name/value header blocks: `count(32) (nameLen(32) name valueLen(32) value)*`, names lowercased,
// several values of one name joined by NUL, the whole compressed by zlib primed with the SPDY/3 dictionary.
// Each direction of a session is ONE zlib stream: a block may refer back into earlier blocks, so the
// compressor and the decompressor live as long as the session and every block ends with a sync flush.
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.ts';
import { SpdyProtocolError } from './frames.ts';

/** Decoded headers: lowercase names, each with its values in order. */
export type SpdyHeaders = Record<string, string[]>;

/** Headers to send: a value or a list of values per name (names are lowercased on the wire). */
export type HeaderInput = Record<string, string | readonly string[]>;

/** The first value of `name`, as Go's http.Header.Get reads it. */
export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  return headers[name.toLowerCase()]?.[0];
}

/** The uncompressed wire form of a header block. */
export function serializeHeaderBlock(headers: HeaderInput): Buffer {
  const entries = Object.entries(headers).map(([name, value]) => {
    const values = typeof value === 'string' ? [value] : value;
    return [Buffer.from(name.toLowerCase(), 'utf8'), Buffer.from(values.join('\0'), 'utf8')] as const;
  });
  const parts: Buffer[] = [uint32(entries.length)];
  for (const [name, value] of entries) parts.push(uint32(name.length), name, uint32(value.length), value);
  return Buffer.concat(parts);
}

/** Parses an uncompressed header block; throws SpdyProtocolError when it is malformed. */
export function parseHeaderBlock(block: Buffer): SpdyHeaders {
  let offset = 0;
  const read = (n: number, what: string): Buffer => {
    if (offset + n > block.length) throw new SpdyProtocolError(`header block truncated in ${what}`);
    const out = block.subarray(offset, offset + n);
    offset += n;
    return out;
  };
  const count = read(4, 'pair count').readUInt32BE(0);
  const headers: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = read(read(4, 'name length').readUInt32BE(0), 'name').toString('utf8');
    if (name.length === 0) throw new SpdyProtocolError('empty header name');
    const value = read(read(4, 'value length').readUInt32BE(0), 'value').toString('utf8');
    // Go lowercases and merges rather than failing the stream: be as forgiving as the client is.
    const key = name.toLowerCase();
    headers[key] = [...(headers[key] ?? []), ...value.split('\0')];
  }
  if (offset !== block.length) throw new SpdyProtocolError('trailing bytes after header block');
  return headers;
}

/** The largest decompressed header block accepted (a guard against zlib bombs). */
export const MAX_HEADER_BLOCK_BYTES = 1 << 20;

/** Compresses outgoing header blocks; one per session direction. */
export class HeaderCompressor {
  private readonly codec = new SyncFlushCodec(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY }), Infinity);

  /** The compressed block for `headers`, continuing this session's zlib stream. Calls complete in order. */
  compress(headers: HeaderInput): Promise<Buffer> {
    return this.codec.run(serializeHeaderBlock(headers));
  }

  /** Releases the zlib stream. */
  close(): void {
    this.codec.close();
  }
}

/** Decompresses incoming header blocks; one per session direction. */
export class HeaderDecompressor {
  private readonly codec = new SyncFlushCodec(zlib.createInflate({ dictionary: SPDY3_DICTIONARY }), MAX_HEADER_BLOCK_BYTES);

  /** The headers in `block`, which must be the next block of the peer's zlib stream. Calls complete in order. */
  async decompress(block: Buffer): Promise<SpdyHeaders> {
    // An empty block carries no zlib bytes at all, so it must not touch the stream.
    if (block.length === 0) return {};
    let raw: Buffer;
    try {
      raw = await this.codec.run(block);
    } catch (err) {
      throw err instanceof SpdyProtocolError ? err : new SpdyProtocolError(`header block does not decompress: ${String(err)}`);
    }
    return parseHeaderBlock(raw);
  }

  /** Releases the zlib stream. */
  close(): void {
    this.codec.close();
  }
}

/**
 * One long-lived zlib stream used block by block: write a block, flush with Z_SYNC_FLUSH, and everything
 * emitted before the flush completes is that block's output. Runs are chained so outputs never mix.
 */
class SyncFlushCodec {
  private tail: Promise<unknown> = Promise.resolve();
  private collected: Buffer[] = [];
  private collectedBytes = 0;
  private failure: Error | undefined;
  private rejectCurrent: ((err: Error) => void) | undefined;

  constructor(
    private readonly stream: zlib.Deflate | zlib.Inflate,
    private readonly maxOutput: number,
  ) {
    stream.on('data', (chunk: Buffer) => {
      this.collected.push(chunk);
      this.collectedBytes += chunk.length;
      if (this.collectedBytes > this.maxOutput) this.fail(new SpdyProtocolError('header block too large'));
    });
    stream.on('error', (err: Error) => this.fail(err));
  }

  run(input: Buffer): Promise<Buffer> {
    const result = this.tail.then(() => this.runNow(input));
    this.tail = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.fail(new Error('header codec closed'));
  }

  private runNow(input: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Buffer>((resolve, reject) => {
      this.collected = [];
      this.collectedBytes = 0;
      this.rejectCurrent = reject;
      this.stream.write(input);
      this.stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.rejectCurrent = undefined;
        if (this.failure) reject(this.failure);
        else resolve(Buffer.concat(this.collected, this.collectedBytes));
      });
    });
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.rejectCurrent?.(err);
    this.rejectCurrent = undefined;
    this.stream.destroy();
  }
}

function uint32(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n, 0);
  return out;
}
