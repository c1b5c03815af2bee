import { describe, expect, it } from 'vitest';
import { ControlType, decodeFrame, encodeFrame, FRAME_HEADER_LENGTH, GoAwayStatus, RstStatus, SpdyProtocolError } from './frames.ts';
import type { Frame } from './frames.ts';

function roundTrip(frame: Frame): Frame {
  const bytes = encodeFrame(frame);
  return decodeFrame(bytes.subarray(0, FRAME_HEADER_LENGTH), bytes.subarray(FRAME_HEADER_LENGTH));
}

describe('SPDY/3.1 frames', () => {
  it('lays out a PING as the spec does: control bit, version 3, type 6, length 4, id', () => {
    expect(encodeFrame({ kind: 'ping', id: 7 }).toString('hex')).toBe('80030006' + '00000004' + '00000007');
  });

  it('lays out a data frame with the stream id, FIN in the flags byte and a 24-bit length', () => {
    const bytes = encodeFrame({ kind: 'data', streamId: 5, fin: true, data: Buffer.from('hi') });
    expect(bytes.toString('hex')).toBe('00000005' + '01000002' + '6869');
  });

  it('lays out SYN_STREAM with priority in the top 3 bits and the header block after 10 bytes', () => {
    const bytes = encodeFrame({
      kind: 'syn_stream', streamId: 3, associatedStreamId: 0, priority: 2, slot: 0, fin: false, unidirectional: true,
      headerBlock: Buffer.from('abcd'),
    });
    expect(bytes.toString('hex')).toBe('80030001' + '0200000e' + '00000003' + '00000000' + '4000' + '61626364');
  });

  it('round-trips every frame type', () => {
    const frames: Frame[] = [
      { kind: 'data', streamId: 1, fin: false, data: Buffer.from('payload') },
      { kind: 'data', streamId: 0x7fffffff, fin: true, data: Buffer.alloc(0) },
      { kind: 'syn_stream', streamId: 9, associatedStreamId: 2, priority: 7, slot: 3, fin: true, unidirectional: false, headerBlock: Buffer.from([1, 2, 3]) },
      { kind: 'syn_reply', streamId: 9, fin: true, headerBlock: Buffer.from([4, 5]) },
      { kind: 'rst_stream', streamId: 9, status: RstStatus.Cancel },
      { kind: 'settings', clear: true, entries: [{ flags: 1, id: 7, value: 65536 }, { flags: 0, id: 4, value: 100 }] },
      { kind: 'ping', id: 0xfffffffe },
      { kind: 'goaway', lastGoodStreamId: 11, status: GoAwayStatus.ProtocolError },
      { kind: 'headers', streamId: 4, fin: false, headerBlock: Buffer.from([9]) },
      { kind: 'window_update', streamId: 0, delta: 0x7fffffff },
      { kind: 'unknown', type: 10, flags: 0, payload: Buffer.from('credential') },
    ];
    for (const frame of frames) expect(roundTrip(frame)).toEqual(frame);
  });

  it('separates SETTINGS flags from ids', () => {
    const bytes = encodeFrame({ kind: 'settings', clear: false, entries: [{ flags: 2, id: ControlType.Settings, value: 9 }] });
    expect(bytes.subarray(12, 16).toString('hex')).toBe('02000004');
  });

  it('refuses another SPDY version with UNSUPPORTED_VERSION', () => {
    const bytes = encodeFrame({ kind: 'ping', id: 1 });
    bytes.writeUInt16BE(0x8002, 0);
    const decode = () => decodeFrame(bytes.subarray(0, 8), bytes.subarray(8));
    expect(decode).toThrow(SpdyProtocolError);
    expect(decode).toThrow(/version 2/);
    try {
      decode();
    } catch (err) {
      expect((err as SpdyProtocolError).status).toBe(RstStatus.UnsupportedVersion);
    }
  });

  it('refuses fixed-size control frames of the wrong length', () => {
    const rst = encodeFrame({ kind: 'rst_stream', streamId: 1, status: 5 });
    expect(() => decodeFrame(rst.subarray(0, 8), rst.subarray(8, 12))).toThrow(/RST_STREAM must be 8 bytes/);
    const goaway = encodeFrame({ kind: 'goaway', lastGoodStreamId: 1, status: 0 });
    expect(() => decodeFrame(goaway.subarray(0, 8), Buffer.concat([goaway.subarray(8), Buffer.alloc(4)]))).toThrow(/GOAWAY/);
  });

  it('refuses data and stream frames on stream 0', () => {
    const data = encodeFrame({ kind: 'data', streamId: 0, fin: false, data: Buffer.from('x') });
    expect(() => decodeFrame(data.subarray(0, 8), data.subarray(8))).toThrow(/stream 0/);
    const syn = encodeFrame({ kind: 'syn_reply', streamId: 0, fin: false, headerBlock: Buffer.alloc(0) });
    expect(() => decodeFrame(syn.subarray(0, 8), syn.subarray(8))).toThrow(/SYN_REPLY on stream 0/);
  });

  it('refuses a SETTINGS frame whose length disagrees with its entry count', () => {
    const bytes = encodeFrame({ kind: 'settings', clear: false, entries: [{ flags: 0, id: 1, value: 1 }] });
    bytes.writeUInt32BE(2, 8);
    expect(() => decodeFrame(bytes.subarray(0, 8), bytes.subarray(8))).toThrow(/SETTINGS length/);
  });
});
