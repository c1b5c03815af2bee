// JSON patch (RFC 6902), `application/json-patch+json`, applied with fast-json-patch. The apiserver answers
// an operation that cannot be applied (unknown op, failed test, missing path) with a bare 422, and caps a
// patch at 10000 operations.
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { badRequest, tooLarge } from '../errors.ts';
import { cloneJson, isJsonObject, type Json } from './json-value.ts';
import { goJsonKind, patchRejected } from './patch-errors.ts';

/** The apiserver's limit on operations in one JSON patch. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** Check the decoded body is a list of operation objects (400 otherwise); `null` is an empty patch. */
export function jsonPatchOperations(body: Json): Operation[] {
  if (body === null) return [];
  if (!Array.isArray(body)) {
    throw badRequest(`error decoding patch: json: cannot unmarshal ${goJsonKind(body)} into Go value of type []handlers.jsonPatchOp`);
  }
  for (const op of body) {
    if (!isJsonObject(op)) {
      throw badRequest(`error decoding patch: json: cannot unmarshal ${goJsonKind(op)} into Go value of type handlers.jsonPatchOp`);
    }
  }
  return body as unknown as Operation[];
}

/** Apply JSON patch operations to a document; pure. 413 past the limit, 422 when an operation fails. */
export function applyJsonPatch(document: Json, body: Json): Json {
  const operations = jsonPatchOperations(body);
  if (operations.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${operations.length}`,
    );
  }
  try {
    return jsonpatch.applyPatch(cloneJson(document), cloneJson(operations), true, true, true).newDocument as Json;
  } catch {
    throw patchRejected();
  }
}
