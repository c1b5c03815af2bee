import { describe, expect, it } from 'vitest';
import { JsonLineDecoder } from './json-lines.ts';

describe('JsonLineDecoder', () => {
  it('yields one value per line', () => {
    const d = new JsonLineDecoder();
    expect(d.push('{"a":1}\n{"b":2}\n')).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('reassembles an object cut across chunks', () => {
    const d = new JsonLineDecoder();
    expect(d.push('{"type":"ADD')).toEqual([]);
    expect(d.push('ED","object":{}')).toEqual([]);
    expect(d.push('}\n{"x"')).toEqual([{ type: 'ADDED', object: {} }]);
    expect(d.push(':1}\n')).toEqual([{ x: 1 }]);
  });

  it('keeps a multi-byte character split between chunks intact', () => {
    const bytes = Buffer.from('{"name":"héllo→"}\n', 'utf8');
    const d = new JsonLineDecoder();
    const out: unknown[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(...d.push(bytes.subarray(i, i + 1)));
    expect(out).toEqual([{ name: 'héllo→' }]);
  });

  it('skips blank lines and flushes a final line without newline', () => {
    const d = new JsonLineDecoder();
    expect(d.push('\n\r\n{"a":1}\n{"b"')).toEqual([{ a: 1 }]);
    expect(d.push(':2}')).toEqual([]);
    expect(d.end()).toEqual([{ b: 2 }]);
    expect(d.end()).toEqual([]);
  });

  it('throws on a malformed line', () => {
    expect(() => new JsonLineDecoder().push('{nope}\n')).toThrow(SyntaxError);
  });
});
