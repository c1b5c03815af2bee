import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import type { JsonObject } from './json-value.ts';
import { strategicMergePatch } from './strategic-merge-patch.ts';

// A schema like apimachinery's test struct: `mergingList` merges by name, `mergingIntList` as a set,
// `nonMergingList` is replaced; nested merging lists live under each item.
const testSchema = {
  lookup: (path: string) =>
    ({
      mergingList: { strategy: 'merge', mergeKey: 'name' },
      'mergingList[].mergingList': { strategy: 'merge', mergeKey: 'name' },
      mergingIntList: { strategy: 'merge' },
      replacedMap: { strategy: 'replace' },
    })[path] as { strategy: 'merge'; mergeKey?: string } | undefined,
};

function smp(original: unknown, patch: unknown, source: Parameters<typeof strategicMergePatch>[2] = testSchema) {
  return strategicMergePatch(original as JsonObject, patch as JsonObject, source);
}

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the patch to fail');
}

describe('strategicMergePatch on maps', () => {
  it('merges maps recursively and deletes keys set to null', () => {
    expect(smp({ a: 1, m: { x: 1, y: 2 } }, { b: 2, m: { y: null, z: 3 } })).toEqual({ a: 1, b: 2, m: { x: 1, z: 3 } });
  });

  it('does not modify its arguments', () => {
    const original = { m: { x: 1 } };
    const patch = { m: { x: null } };
    smp(original, patch);
    expect(original).toEqual({ m: { x: 1 } });
    expect(patch).toEqual({ m: { x: null } });
  });

  it('replaces a map marked $patch: replace and empties one marked delete', () => {
    expect(smp({ m: { x: 1, y: 2 } }, { m: { $patch: 'replace', z: 3 } })).toEqual({ m: { z: 3 } });
    expect(smp({ m: { x: 1 }, n: 1 }, { m: { $patch: 'delete' } })).toEqual({ m: {}, n: 1 });
    expect(smp({ n: 1 }, { m: { $patch: 'delete' } })).toEqual({ n: 1 });
  });

  it('refuses $patch: merge on a map as the apiserver does', () => {
    const err = failure(() => smp({ m: {} }, { m: { $patch: 'merge' } }));
    expect(err.code).toBe(500);
    expect(err.message).toBe('unknown patch type: merge in map: map[$patch:merge]');
  });

  it('drops nulls and directives inside values that are new to the object', () => {
    expect(smp({}, { m: { a: null, b: { c: null, d: 1 } }, l: [{ $patch: 'delete', name: 'x' }, { name: 'y' }] })).toEqual({
      m: { b: { d: 1 } },
      l: [{ name: 'y' }],
    });
  });

  it('replaces a value whose type changed', () => {
    expect(smp({ v: { a: 1 } }, { v: 'x' })).toEqual({ v: 'x' });
    expect(smp({ v: [1] }, { v: { a: 1 } })).toEqual({ v: { a: 1 } });
  });

  it('replaces maps whose strategy is replace', () => {
    expect(smp({ replacedMap: { a: 1 } }, { replacedMap: { b: 2 } })).toEqual({ replacedMap: { b: 2 } });
  });
});

describe('$retainKeys', () => {
  it('clears the keys it does not list', () => {
    const live = { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } };
    const patch = { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } };
    expect(smp(live, patch)).toEqual({ strategy: { type: 'Recreate' } });
  });

  it('rejects a patch that sets a key it does not retain', () => {
    const err = failure(() => smp({ m: {} }, { m: { $retainKeys: ['a'], b: 1 } }));
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', 'invalid patch format of retainKeys']);
    expect(failure(() => smp({ m: {} }, { m: { $retainKeys: 'a' } })).message).toBe('invalid patch format of retainKeys');
  });
});

describe('lists with a merge key', () => {
  it('merges items by key and appends new ones first, as apimachinery orders them', () => {
    const live = { mergingList: [{ name: '1', a: 1 }, { name: '2' }] };
    expect(smp(live, { mergingList: [{ name: '1', b: 2 }] })).toEqual({
      mergingList: [{ name: '1', a: 1, b: 2 }, { name: '2' }],
    });
    expect(smp(live, { mergingList: [{ name: '3' }] })).toEqual({
      mergingList: [{ name: '3' }, { name: '1', a: 1 }, { name: '2' }],
    });
  });

  it('deletes items marked $patch: delete and replaces the list on $patch: replace', () => {
    const live = { mergingList: [{ name: '1' }, { name: '2' }] };
    expect(smp(live, { mergingList: [{ name: '1', $patch: 'delete' }] })).toEqual({ mergingList: [{ name: '2' }] });
    expect(smp(live, { mergingList: [{ $patch: 'replace' }, { name: '9' }] })).toEqual({ mergingList: [{ name: '9' }] });
  });

  it('merges lists nested inside merged items', () => {
    const live = { mergingList: [{ name: 'a', mergingList: [{ name: 'x', v: 1 }] }] };
    const patch = { mergingList: [{ name: 'a', mergingList: [{ name: 'x', w: 2 }, { name: 'y' }] }] };
    expect(smp(live, patch)).toEqual({
      mergingList: [{ name: 'a', mergingList: [{ name: 'x', v: 1, w: 2 }, { name: 'y' }] }],
    });
  });

  it('fails like the apiserver when an item lacks its merge key', () => {
    const err = failure(() => smp({ mergingList: [{ name: 'a' }] }, { mergingList: [{ image: 'nginx' }] }));
    expect([err.code, err.reason]).toEqual([500, '']);
    expect(err.message).toBe('map: map[image:nginx] does not contain declared merge key: name');
  });

  it('refuses $patch: merge inside a list', () => {
    expect(failure(() => smp({ mergingList: [{ name: 'a' }] }, { mergingList: [{ $patch: 'merge' }] })).message).toBe(
      'merging lists cannot yet be specified in the patch',
    );
  });

  it('answers a bare 422 for a list of lists', () => {
    const err = failure(() => smp({ mergingIntList: [[1]] }, { mergingIntList: [[2]] }));
    expect([err.code, err.reason, err.message]).toEqual([
      422,
      'Invalid',
      'the server rejected our request due to an error in our request',
    ]);
  });
});

describe('lists without a merge key', () => {
  it('replaces lists whose strategy is not merge', () => {
    expect(smp({ nonMergingList: [{ name: 'a', x: 1 }] }, { nonMergingList: [{ name: 'b' }] })).toEqual({
      nonMergingList: [{ name: 'b' }],
    });
  });

  it('unions merging scalar lists and removes with $deleteFromPrimitiveList', () => {
    expect(smp({ mergingIntList: [1, 2] }, { mergingIntList: [2, 3] })).toEqual({ mergingIntList: [1, 2, 3] });
    expect(smp({ mergingIntList: [1, 2] }, { mergingIntList: [0] })).toEqual({ mergingIntList: [0, 1, 2] });
    expect(smp({ mergingIntList: [1, 2, 3] }, { '$deleteFromPrimitiveList/mergingIntList': [2] })).toEqual({
      mergingIntList: [1, 3],
    });
    expect(smp({}, { '$deleteFromPrimitiveList/mergingIntList': [2] })).toEqual({});
  });

  it('rejects a malformed deletion directive', () => {
    expect(failure(() => smp({}, { $deleteFromPrimitiveListx: [1] })).message).toBe('invalid patch format of primitive list');
  });
});

describe('$setElementOrder', () => {
  // Vectors from apimachinery's "preserve order" cases: current object + three-way patch → result.
  it('adds an item where the order directive puts it', () => {
    const current = { mergingList: [{ name: '1', other: 'a' }, { name: '2', value: 2, other: 'b' }] };
    const patch = {
      '$setElementOrder/mergingList': [{ name: '1' }, { name: '4' }, { name: '2' }, { name: '3' }],
      mergingList: [
        { name: '4', value: 4 },
        { name: '3', value: 3 },
      ],
    };
    expect(smp(current, patch)).toEqual({
      mergingList: [
        { name: '1', other: 'a' },
        { name: '4', value: 4 },
        { name: '2', value: 2, other: 'b' },
        { name: '3', value: 3 },
      ],
    });
  });

  it('reorders live items and keeps server-only items near their live neighbours', () => {
    const current = {
      mergingList: [{ name: '1', other: 'a' }, { name: '2', value: 2 }, { name: '7' }, { name: '9' }, { name: '8' }, { name: '3' }, { name: '4' }],
    };
    const patch = { '$setElementOrder/mergingList': [{ name: '2' }, { name: '1' }, { name: '4' }, { name: '3' }] };
    expect(smp(current, patch).mergingList).toEqual([
      { name: '2', value: 2 },
      { name: '1', other: 'a' },
      { name: '7' },
      { name: '9' },
      { name: '8' },
      { name: '4' },
      { name: '3' },
    ]);
  });

  it('orders scalar lists too', () => {
    expect(smp({ mergingIntList: [1, 2, 9] }, { '$setElementOrder/mergingIntList': [2, 1] })).toEqual({
      mergingIntList: [2, 1, 9],
    });
    const added = { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3] };
    expect(smp({ mergingIntList: [1, 2, 4] }, added)).toEqual({ mergingIntList: [1, 2, 3, 4] });
    const first = { '$setElementOrder/mergingIntList': [3, 1, 2], mergingIntList: [3] };
    expect(smp({ mergingIntList: [1, 4, 2] }, first)).toEqual({ mergingIntList: [3, 1, 4, 2] });
  });

  it('rejects a patch list that disagrees with the directive', () => {
    const err = failure(() =>
      smp({ mergingList: [] }, { '$setElementOrder/mergingList': [{ name: 'a' }], mergingList: [{ name: 'b' }] }),
    );
    expect(err.code).toBe(500);
    expect(err.message).toContain("doesn't match $setElementOrder list");
  });

  it('rejects a directive that is not a list or is malformed', () => {
    expect(failure(() => smp({}, { '$setElementOrder/mergingList': 'x' })).message).toBe(
      'expected a []interface {}, but received a string',
    );
    expect(failure(() => smp({}, { $setElementOrderX: [] })).message).toBe('invalid patch format of setElementOrder list');
  });
});
