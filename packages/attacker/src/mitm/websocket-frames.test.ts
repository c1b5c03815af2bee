import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader, Opcode } from './websocket-frames.ts';

const MASK = Buffer.from([1, 2, 3, 4]);

describe('FrameReader', () => {
  it('unmasks a client frame fed one byte at a time and reports where it ends', () => {
    const wire = encodeFrame({ opcode: Opcode.binary, payload: Buffer.from('\x00ls\n', 'latin1'), mask: MASK });
    const reader = new FrameReader();
    const ends: number[] = [];
    const frames = [];
    for (let i = 0; i < wire.length; i++) {
      expect(reader.atBoundary).toBe(i === 0);
      const r = reader.feed(wire.subarray(i, i + 1));
      frames.push(...r.frames);
      ends.push(...r.boundaries.map((b) => b + i));
    }
    expect(frames).toEqual([{ fin: true, opcode: Opcode.binary, masked: true, payload: Buffer.from('\x00ls\n', 'latin1') }]);
    expect(ends).toEqual([wire.length]);
    expect(reader.atBoundary).toBe(true);
  });

  it('splits one chunk holding several frames, with 16- and 64-bit lengths, at each boundary', () => {
    const small = encodeFrame({ opcode: Opcode.text, payload: Buffer.from('1aGk=') });
    const medium = encodeFrame({ opcode: Opcode.binary, payload: Buffer.alloc(300, 7), mask: true });
    const large = encodeFrame({ opcode: Opcode.binary, payload: Buffer.alloc(70_000, 9) });
    const reader = new FrameReader();
    const r = reader.feed(Buffer.concat([small, medium, large.subarray(0, 5)]));
    expect(r.frames.map((f) => [f.opcode, f.payload.length])).toEqual([[Opcode.text, 5], [Opcode.binary, 300]]);
    expect(r.boundaries).toEqual([small.length, small.length + medium.length]);
    expect(r.frames[1].payload.equals(Buffer.alloc(300, 7))).toBe(true);
    expect(reader.atBoundary).toBe(false);
    const rest = reader.feed(large.subarray(5));
    expect(rest.boundaries).toEqual([large.length - 5]);
    expect(rest.frames[0].payload.equals(Buffer.alloc(70_000, 9))).toBe(true);
  });

  it('rejects bytes with reserved bits set', () => {
    expect(() => new FrameReader().feed(Buffer.from([0xc2, 0x00]))).toThrow(/reserved bits/);
  });
});

describe('encodeFrame', () => {
  it('masks the payload with the key placed after the length, as RFC 6455 shows', () => {
    // RFC 6455 §5.7: a masked "Hello" with key 37 fa 21 3d.
    const frame = encodeFrame({ opcode: Opcode.text, payload: Buffer.from('Hello'), mask: Buffer.from([0x37, 0xfa, 0x21, 0x3d]) });
    expect(frame.toString('hex')).toBe('818537fa213d7f9f4d5158');
  });
});
