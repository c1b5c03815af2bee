import { describe, expect, it } from 'vitest';
import { FrameParser } from './frame-parser.ts';
import { encodeFrame, RstStatus, SpdyProtocolError } from './frames.ts';
import type { Frame } from './frames.ts';

const sample: Frame[] = [
  { kind: 'syn_stream', streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock: Buffer.from('block') },
  { kind: 'data', streamId: 1, fin: false, data: Buffer.from('hello, world') },
  { kind: 'ping', id: 1 },
  { kind: 'data', streamId: 1, fin: true, data: Buffer.alloc(0) },
  { kind: 'rst_stream', streamId: 1, status: RstStatus.Cancel },
  { kind: 'goaway', lastGoodStreamId: 1, status: 0 },
];
const wire = Buffer.concat(sample.map(encodeFrame));

function parseChunks(chunks: Buffer[]): Frame[] {
  const frames: Frame[] = [];
  const parser = new FrameParser((frame) => frames.push(frame));
  for (const chunk of chunks) parser.push(chunk);
  expect(parser.pendingBytes).toBe(0);
  return frames;
}

describe('FrameParser', () => {
  it('yields the same frames when fed one byte at a time', () => {
    const bytes = [...wire].map((b) => Buffer.from([b]));
    expect(parseChunks(bytes)).toEqual(sample);
  });

  it('yields the same frames whatever single boundary splits the input', () => {
    for (let cut = 0; cut <= wire.length; cut++) {
      expect(parseChunks([wire.subarray(0, cut), wire.subarray(cut)])).toEqual(sample);
    }
  });

  it('yields every frame of one chunk in order', () => {
    expect(parseChunks([wire])).toEqual(sample);
  });

  it('reassembles a 1 MiB data frame delivered in odd-sized chunks', () => {
    const data = Buffer.alloc(1 << 20, 7);
    data.write('start', 0);
    data.write('end', data.length - 3);
    const bytes = encodeFrame({ kind: 'data', streamId: 3, fin: true, data });
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < bytes.length; offset += 9973) chunks.push(bytes.subarray(offset, offset + 9973));
    const [frame] = parseChunks(chunks);
    expect(frame).toMatchObject({ kind: 'data', streamId: 3, fin: true });
    expect((frame as { data: Buffer }).data.equals(data)).toBe(true);
  });

  it('waits for the rest of a frame and emits nothing early', () => {
    const frames: Frame[] = [];
    const parser = new FrameParser((frame) => frames.push(frame));
    const ping = encodeFrame({ kind: 'ping', id: 3 });
    parser.push(ping.subarray(0, 11));
    expect(frames).toEqual([]);
    expect(parser.pendingBytes).toBe(11);
    parser.push(ping.subarray(11));
    expect(frames).toEqual([{ kind: 'ping', id: 3 }]);
  });

  it('refuses a frame announcing more than the limit, before its payload arrives', () => {
    const parser = new FrameParser(() => undefined, { maxFrameLength: 1024 });
    const header = encodeFrame({ kind: 'data', streamId: 1, fin: false, data: Buffer.alloc(2048) }).subarray(0, 8);
    expect(() => parser.push(header)).toThrow(SpdyProtocolError);
  });
});
