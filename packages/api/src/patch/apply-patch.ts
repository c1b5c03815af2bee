// The PATCH verb's body: pick the patch type from Content-Type, decode it with the apiserver's error texts
// and apply it to the current object.
import { badRequest, invalid, invalidValue, unsupportedMediaType } from '../errors.ts';
import { applyJsonPatch } from './json-patch.ts';
import { isJsonObject, type Json, type JsonObject } from './json-value.ts';
import { jsonMergePatch } from './merge-patch.ts';
import { goJsonKind } from './patch-errors.ts';
import { strategicMergePatch } from './strategic-merge-patch.ts';

/** The patch media types hubspoke accepts, in the order the apiserver lists them. */
export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

/** One of PATCH_CONTENT_TYPES. */
export type PatchContentType = (typeof PATCH_CONTENT_TYPES)[number];

/** What applyPatch needs to know about the object beyond its content. */
export interface ApplyPatchOptions {
  /** The object's kind; it selects the strategic merge keys (kinds without an entry merge like merge patch). */
  kind: string;
}

/** The bare media type of a Content-Type header (`; charset=…` dropped), or 415 if it is no patch type. */
export function patchContentType(contentType: string | undefined): PatchContentType {
  const bare = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!(PATCH_CONTENT_TYPES as readonly string[]).includes(bare)) throw unsupportedMediaType([...PATCH_CONTENT_TYPES]);
  return bare as PatchContentType;
}

function decode(body: Uint8Array | string, type: PatchContentType): Json {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    const detail = text.trim() === '' ? 'unexpected end of JSON input' : (err as Error).message;
    // Strategic merge patches report the decoder's text alone; the others prefix it.
    throw badRequest(type === 'application/strategic-merge-patch+json' ? detail : `error decoding patch: ${detail}`);
  }
}

function patchObject(value: Json, type: PatchContentType): JsonObject {
  if (isJsonObject(value)) return value;
  if (value === null) {
    if (type === 'application/merge-patch+json') throw badRequest('Invalid JSON Patch');
    return {};
  }
  const detail = `json: cannot unmarshal ${goJsonKind(value)} into Go value of type map[string]interface {}`;
  throw badRequest(type === 'application/merge-patch+json' ? `error decoding patch: ${detail}` : detail);
}

/**
 * Apply a PATCH body (bytes, text, or already-decoded JSON) of the given Content-Type to `original`; pure.
 * Throws ApiError: 415 for another media type, 400 for a malformed body, 422/500 when the patch cannot apply.
 */
export function applyPatch(
  contentType: string | undefined,
  original: object,
  patch: Uint8Array | string | unknown,
  options: ApplyPatchOptions,
): Record<string, unknown> {
  const type = patchContentType(contentType);
  const body = typeof patch === 'string' || patch instanceof Uint8Array ? decode(patch, type) : (patch as Json);
  const current = original as JsonObject;
  let result: Json;
  switch (type) {
    case 'application/json-patch+json':
      result = applyJsonPatch(current, body);
      break;
    case 'application/merge-patch+json':
      result = jsonMergePatch(current, patchObject(body, type));
      break;
    case 'application/strategic-merge-patch+json':
      result = strategicMergePatch(current, patchObject(body, type), { kind: options.kind });
      break;
  }
  if (!isJsonObject(result)) {
    // The apiserver fails to decode the patched document into the kind's object.
    throw invalid('', '', [
      invalidValue('patch', JSON.stringify(result), `json: cannot unmarshal ${goJsonKind(result)} into Go value of type map[string]interface {}`),
    ]);
  }
  return result;
}
