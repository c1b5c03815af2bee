import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.ts';
import type { Json } from './json-value.ts';

const pod: Json = { metadata: { name: 'web', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'a' }] } };

function failure(body: Json): ApiError {
  try {
    applyJsonPatch(pod, body);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the patch to fail');
}

describe('applyJsonPatch', () => {
  it('applies the operations kubectl patch --type=json sends', () => {
    const result = applyJsonPatch(pod, [
      { op: 'replace', path: '/spec/containers/0/image', value: 'b' },
      { op: 'add', path: '/metadata/labels/tier', value: 'front' },
      { op: 'remove', path: '/metadata/labels/app' },
      { op: 'test', path: '/metadata/name', value: 'web' },
      { op: 'copy', from: '/metadata/name', path: '/metadata/generateName' },
      { op: 'add', path: '/spec/containers/-', value: { name: 'side', image: 'c' } },
    ]);
    expect(result).toEqual({
      metadata: { name: 'web', generateName: 'web', labels: { tier: 'front' } },
      spec: {
        containers: [
          { name: 'web', image: 'b' },
          { name: 'side', image: 'c' },
        ],
      },
    });
    expect(pod).toEqual({ metadata: { name: 'web', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'a' }] } });
  });

  it('answers a failed test, an unknown op and a missing path with the bare 422', () => {
    for (const op of [
      { op: 'test', path: '/metadata/name', value: 'other' },
      { op: 'frobnicate', path: '/metadata/name' },
      { op: 'remove', path: '/metadata/missing' },
      { op: 'replace', path: '/spec/containers/5/image', value: 'x' },
    ] as Json[]) {
      const err = failure([op]);
      expect([err.code, err.reason, err.message]).toEqual([
        422,
        'Invalid',
        'the server rejected our request due to an error in our request',
      ]);
    }
  });

  it('rejects a body that is not a list of operations with 400', () => {
    expect(failure({ op: 'add' }).message).toBe(
      'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    );
    expect(failure([1]).code).toBe(400);
  });

  it('treats null as an empty patch', () => {
    expect(applyJsonPatch(pod, null)).toEqual(pod);
  });

  it('refuses more operations than the apiserver allows', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/metadata/name', value: 'web' }));
    const err = failure(ops);
    expect(err.code).toBe(413);
    expect(err.message).toBe('The allowed maximum operations in a JSON patch is 10000, got 10001');
  });
});
