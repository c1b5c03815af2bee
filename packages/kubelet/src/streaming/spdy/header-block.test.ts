import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPDY3_DICTIONARY } from './dictionary.ts';
import { SpdyProtocolError } from './frames.ts';
import { HeaderCompressor, HeaderDecompressor, headerValue, parseHeaderBlock, serializeHeaderBlock } from './header-block.ts';
import type { HeaderInput } from './header-block.ts';

// The header blocks of the six SYN_STREAMs kubectl 1.32 sent for three `port-forward` connections, recorded
// from the wire. Go's compressor keeps one zlib stream for the session: the later blocks are mostly
// back-references into the earlier ones, so they decode only in order, with the context kept.
const KUBECTL_BLOCKS = [
  '78f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45e01c60616061c0c0c0c0590489c64c50f2663400000000ffff',
  'c2aa19540e2512d60b000000ffff',
  'a2c4624300000000ffff',
  'a2c0624300000000ffff',
  '82eac5afca0887d300000000ffff',
  '225333d86900000000ffff',
].map((hex) => Buffer.from(hex, 'hex'));

function adler32(bytes: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

// An encoder that shares no code with the one under test: a zlib header naming the dictionary, then each
// block as a non-final *stored* deflate block (byte-aligned, so every block ends on a frame boundary).
function storedBlockEncoder(): (raw: Buffer) => Buffer {
  let first = true;
  return (raw) => {
    const stored = Buffer.alloc(5);
    stored[0] = 0x00; // BFINAL=0, BTYPE=00
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    const parts = [stored, raw];
    if (first) {
      first = false;
      const header = Buffer.alloc(6);
      header[0] = 0x78;
      header[1] = 0x20; // FDICT
      header[1] += 31 - ((header[0] * 256 + header[1]) % 31);
      header.writeUInt32BE(adler32(SPDY3_DICTIONARY), 2);
      parts.unshift(header);
    }
    return Buffer.concat(parts);
  };
}

describe('the SPDY/3 dictionary', () => {
  it('is the 1423 bytes both ends prime zlib with', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(adler32(SPDY3_DICTIONARY)).toBe(0xe3c6a7c2);
    expect(createHash('sha256').update(SPDY3_DICTIONARY).digest('hex')).toBe('51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  });
});

describe('header blocks', () => {
  it('serializes names lowercased with 32-bit lengths and several values joined by NUL', () => {
    const block = serializeHeaderBlock({ StreamType: 'data', Port: ['80', '81'] });
    expect(block.toString('hex')).toBe(
      '00000002' + '0000000a' + Buffer.from('streamtype').toString('hex') + '00000004' + Buffer.from('data').toString('hex') +
        '00000004' + Buffer.from('port').toString('hex') + '00000005' + Buffer.from('80\u000081').toString('hex'),
    );
    expect(parseHeaderBlock(block)).toEqual({ streamtype: ['data'], port: ['80', '81'] });
  });

  it('reads a header the way http.Header.Get does', () => {
    expect(headerValue({ requestid: ['4', '5'] }, 'RequestID')).toBe('4');
    expect(headerValue({}, 'port')).toBeUndefined();
  });

  it('refuses truncated and over-long blocks', () => {
    const block = serializeHeaderBlock({ port: '8080' });
    expect(() => parseHeaderBlock(block.subarray(0, block.length - 1))).toThrow(SpdyProtocolError);
    expect(() => parseHeaderBlock(Buffer.concat([block, Buffer.from([0])]))).toThrow(/trailing/);
  });
});

describe('HeaderDecompressor', () => {
  it("decodes kubectl's header blocks in order, keeping the zlib context across frames", async () => {
    const decompressor = new HeaderDecompressor();
    const decoded = [];
    for (const block of KUBECTL_BLOCKS) decoded.push(await decompressor.decompress(block));
    expect(decoded.map((h) => [headerValue(h, 'streamtype'), headerValue(h, 'port'), headerValue(h, 'requestid')])).toEqual([
      ['error', '8080', '0'],
      ['data', '8080', '0'],
      ['error', '8080', '1'],
      ['data', '8080', '1'],
      ['error', '8080', '2'],
      ['data', '8080', '2'],
    ]);
    decompressor.close();
  });

  it('decodes blocks from an independent stored-block encoder', async () => {
    const encode = storedBlockEncoder();
    const decompressor = new HeaderDecompressor();
    const sent: HeaderInput[] = [{ streamtype: 'stdout' }, { streamtype: 'stderr', extra: ['a', 'b'] }, {}];
    for (const headers of sent) {
      const got = await decompressor.decompress(encode(serializeHeaderBlock(headers)));
      expect(got).toEqual(parseHeaderBlock(serializeHeaderBlock(headers)));
    }
    decompressor.close();
  });

  it('fails with a protocol error on a block that does not continue the stream', async () => {
    const decompressor = new HeaderDecompressor();
    await expect(decompressor.decompress(KUBECTL_BLOCKS[1])).rejects.toBeInstanceOf(SpdyProtocolError);
    // A broken zlib stream stays broken: every later block fails too instead of hanging.
    await expect(decompressor.decompress(KUBECTL_BLOCKS[0])).rejects.toBeInstanceOf(Error);
  });

  it('decodes concurrent calls in call order', async () => {
    const decompressor = new HeaderDecompressor();
    const results = await Promise.all(KUBECTL_BLOCKS.map((block) => decompressor.decompress(block)));
    expect(results.map((h) => headerValue(h, 'requestid'))).toEqual(['0', '0', '1', '1', '2', '2']);
    decompressor.close();
  });
});

describe('HeaderCompressor', () => {
  it('starts a zlib stream that names the SPDY dictionary', async () => {
    const compressor = new HeaderCompressor();
    const first = await compressor.compress({});
    expect(first[0]).toBe(0x78);
    expect(first[1] & 0x20).toBe(0x20);
    expect(((first[0] << 8) | first[1]) % 31).toBe(0);
    expect(first.readUInt32BE(2)).toBe(0xe3c6a7c2);
    compressor.close();
  });

  it('keeps one zlib stream across blocks, each ending on a sync flush', async () => {
    const compressor = new HeaderCompressor();
    const headers = [{ streamtype: 'error', port: '8080', requestid: '0' }, { streamtype: 'data', port: '8080', requestid: '0' }, { streamtype: 'data', port: '8080', requestid: '0' }];
    const blocks = [];
    for (const h of headers) blocks.push(await compressor.compress(h));
    for (const block of blocks) expect(block.subarray(-4).toString('hex')).toBe('0000ffff');
    // The repeat refers back to the previous block instead of spelling the headers out again.
    expect(blocks[2].length).toBeLessThan(blocks[0].length / 2);
    // An independent inflater reading all blocks as one zlib stream recovers them back to back.
    const inflated = zlib.inflateSync(Buffer.concat(blocks), { dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    expect(inflated.equals(Buffer.concat(headers.map(serializeHeaderBlock)))).toBe(true);
    compressor.close();
  });

  it('round-trips through a decompressor over many blocks', async () => {
    const compressor = new HeaderCompressor();
    const decompressor = new HeaderDecompressor();
    for (let i = 0; i < 50; i++) {
      const headers = { streamtype: i % 2 ? 'data' : 'error', port: String(8000 + i), requestid: String(i) };
      expect(await decompressor.decompress(await compressor.compress(headers))).toEqual(parseHeaderBlock(serializeHeaderBlock(headers)));
    }
    compressor.close();
    decompressor.close();
  });
});
