import { describe, expect, it } from 'vitest';
import { TerminalSizeDecoder } from './terminal-size.ts';

describe('TerminalSizeDecoder', () => {
  it("decodes kubectl's capitalized keys and client-node's lowercase ones", () => {
    const decoder = new TerminalSizeDecoder();
    expect(decoder.push('{"Width":120,"Height":40}')).toEqual([{ width: 120, height: 40 }]);
    expect(decoder.push('{"width":80,"height":24}')).toEqual([{ width: 80, height: 24 }]);
  });

  it('reads objects split across messages and several in one, as a JSON stream', () => {
    const decoder = new TerminalSizeDecoder();
    expect(decoder.push('{"Width":10,')).toEqual([]);
    expect(decoder.push('"Height":5}\n{"Width":11,"Height":6}{"Width"')).toEqual([
      { width: 10, height: 5 },
      { width: 11, height: 6 },
    ]);
    expect(decoder.push(':12,"Height":7}')).toEqual([{ width: 12, height: 7 }]);
  });

  it('stops at the first value that does not decode, as the kubelet stops handling resizes', () => {
    const decoder = new TerminalSizeDecoder();
    expect(decoder.push('{"Width":-1,"Height":5}{"Width":1,"Height":1}')).toEqual([]);
    expect(decoder.push('{"Width":2,"Height":2}')).toEqual([]);
  });
});
