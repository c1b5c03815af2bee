// What the apiserver answers when a patch cannot be applied (handlers/patch.go, v1.32). Malformed patches
// are 400; a failed JSON patch operation and "lists of lists" are a bare 422 (NewGenericServerResponse drops
// the detail); any other strategic-merge failure is a plain Go error, which the apiserver sends as a 500
// whose message is the error text (e.g. `map: map[image:x] does not contain declared merge key: name`).
import { ApiError, badRequest } from '../errors.ts';

/** A JSON value as Go's `%v` prints the decoded `interface{}` (`map[a:1 b:[x y]]`, `<nil>`). */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${k}:${goValue((value as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

/** The Go type word `encoding/json` uses for a JSON value in "cannot unmarshal X" errors. */
export function goJsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** 422 Invalid with the fixed text NewGenericServerResponse gives every 422. */
export function patchRejected(): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request');
}

/** A plain (non-Status) error, which the apiserver turns into a 500 carrying its text. */
export function patchFailed(message: string): ApiError {
  return new ApiError(500, '', message);
}

/** 400 for a directive of the wrong shape (`invalid patch format of retainKeys`, …). */
export function badPatchFormat(what: 'retainKeys' | 'setElementOrder list' | 'primitive list'): ApiError {
  return badRequest(`invalid patch format of ${what}`);
}

/** `mergepatch.ErrNoMergeKey`. */
export function noMergeKey(item: unknown, mergeKey: string): ApiError {
  return patchFailed(`map: ${goValue(item)} does not contain declared merge key: ${mergeKey}`);
}

/** `mergepatch.ErrBadArgType` for a value that should have been a list or a map. */
export function badArgType(expected: 'list' | 'map', actual: unknown): ApiError {
  const goType: Record<string, string> = {
    array: '[]interface {}',
    object: 'map[string]interface {}',
    string: 'string',
    number: 'float64',
    bool: 'bool',
    null: '<nil>',
  };
  const want = expected === 'list' ? '[]interface {}' : 'map[string]interface {}';
  return patchFailed(`expected a ${want}, but received a ${goType[goJsonKind(actual)]}`);
}
