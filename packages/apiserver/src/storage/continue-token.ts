// The `continue` token of a paged list, in the apiserver's own format: base64 of
// {"v":"meta.k8s.io/v1","rv":<list revision>,"start":"<next key>"}. Clients treat it as opaque.
import { badRequest } from '@hubspoke/api';

/** Where the next page starts and at which revision the first page was served. */
export interface ContinuePosition {
  resourceVersion: number;
  /** The first key the next page may contain (the last returned key plus "\u0000"). */
  start: string;
}

const VERSION = 'meta.k8s.io/v1';

/** The token for a page that ended at `lastKey`. */
export function encodeContinue(resourceVersion: number, lastKey: string): string {
  const body = JSON.stringify({ v: VERSION, rv: resourceVersion, start: `${lastKey}\u0000` });
  return Buffer.from(body).toString('base64');
}

/** The position a token encodes; a malformed token is a 400 as in the apiserver. */
export function decodeContinue(token: string): ContinuePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalidToken('continue key is not valid');
  }
  const { v, rv, start } = (parsed ?? {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== VERSION) throw invalidToken('continue key is not valid');
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv <= 0) {
    throw invalidToken(`continue key is not valid: incorrect encoded start resourceVersion (version ${VERSION})`);
  }
  if (typeof start !== 'string' || start === '') throw invalidToken('continue key is not valid: encoded start key empty');
  return { resourceVersion: rv, start };
}

function invalidToken(why: string) {
  return badRequest(`invalid continue token: ${why}`);
}
