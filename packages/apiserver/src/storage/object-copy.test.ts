import { describe, expect, it } from 'vitest';
import { copyJson, deepFreeze, jsonEqual, sameExceptResourceVersion, withResourceVersion } from './object-copy.ts';

describe('copyJson', () => {
  it('returns a copy that shares nothing with the original', () => {
    const original = { metadata: { name: 'a', labels: { x: '1' } }, spec: { list: [{ n: 1 }, 2, null] } };
    const copy = copyJson(original);
    expect(copy).toEqual(original);
    copy.metadata.labels.x = '2';
    (copy.spec.list[0] as { n: number }).n = 5;
    expect(original.metadata.labels.x).toBe('1');
    expect((original.spec.list[0] as { n: number }).n).toBe(1);
  });

  it('makes a mutable copy of a frozen object', () => {
    const frozen = deepFreeze({ metadata: { name: 'a' }, data: { k: 'v' } });
    const copy = copyJson(frozen);
    copy.data.k = 'w';
    expect(copy.data.k).toBe('w');
    expect(Object.isFrozen(frozen.data)).toBe(true);
  });
});

describe('jsonEqual', () => {
  it('treats keys holding undefined as absent', () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(true);
  });

  it('tells arrays, objects and different values apart', () => {
    expect(jsonEqual([1, 2], [1, 2])).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ 0: 1 }, [1])).toBe(false);
    expect(jsonEqual({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});

describe('sameExceptResourceVersion', () => {
  it('ignores only metadata.resourceVersion', () => {
    const a = { metadata: { name: 'x', resourceVersion: '1' }, spec: { n: 1 } };
    expect(sameExceptResourceVersion(a, { metadata: { name: 'x', resourceVersion: '9' }, spec: { n: 1 } })).toBe(true);
    expect(sameExceptResourceVersion(a, { metadata: { name: 'x' }, spec: { n: 1 } })).toBe(true);
    expect(sameExceptResourceVersion(a, { metadata: { name: 'x', resourceVersion: '1' }, spec: { n: 2 } })).toBe(false);
  });
});

describe('withResourceVersion', () => {
  it('replaces the revision without touching the original', () => {
    const obj = deepFreeze({ metadata: { name: 'x', resourceVersion: '3' }, spec: {} });
    const moved = withResourceVersion(obj, '7');
    expect(moved.metadata.resourceVersion).toBe('7');
    expect(obj.metadata.resourceVersion).toBe('3');
    expect(moved.spec).toBe(obj.spec);
  });
});
