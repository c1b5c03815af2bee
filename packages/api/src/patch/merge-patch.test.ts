import { describe, expect, it } from 'vitest';
import type { Json } from './json-value.ts';
import { jsonMergePatch } from './merge-patch.ts';

describe('jsonMergePatch', () => {
  // The worked examples of RFC 7386, Appendix A.
  const cases: [Json, Json, Json][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];

  it.each(cases)('merges %j with %j', (target, patch, expected) => {
    expect(jsonMergePatch(target, patch)).toEqual(expected);
  });

  it('leaves both arguments untouched and shares nothing with them', () => {
    const target = { a: { b: 1 }, keep: { deep: [1] } };
    const patch = { a: { b: null, c: { d: 2 } } };
    const result = jsonMergePatch(target, patch) as { keep: { deep: number[] }; a: { c: { d: number } } };
    expect(target).toEqual({ a: { b: 1 }, keep: { deep: [1] } });
    expect(patch).toEqual({ a: { b: null, c: { d: 2 } } });
    result.keep.deep.push(2);
    result.a.c.d = 3;
    expect(target.keep.deep).toEqual([1]);
    expect(patch.a.c.d).toBe(2);
  });

  it('keeps a __proto__ key as plain data', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}}') as Json;
    const result = jsonMergePatch({}, patch) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});
