// JSON merge patch (RFC 7386), `application/merge-patch+json`: objects merge key by key, `null` removes a
// key, anything else (lists included) replaces the target.
import { cloneJson, isJsonObject, setKey, type Json, type JsonObject } from './json-value.ts';

/** Apply a merge patch; pure (neither argument is modified, the result shares no structure with them). */
export function jsonMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = {};
  if (isJsonObject(target)) {
    for (const key of Object.keys(target)) setKey(result, key, cloneJson(target[key]));
  }
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      delete result[key];
    } else {
      const current = Object.prototype.hasOwnProperty.call(result, key) ? result[key] : undefined;
      setKey(result, key, jsonMergePatch(current, value));
    }
  }
  return result;
}
