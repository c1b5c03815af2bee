// Reading a kubelet's answer as a finding. The kubelet authenticates and authorizes before it routes, so 401
// and 403 mean the credentials or the permission were missing; its Go mux answers unknown paths with
// `404 page not found` and wrong methods with 405; anything else it answered was served.
import type { ProbeOutcome } from './types.ts';

/** The Go mux's body for a path nobody registered (any other 404 is a handler's, e.g. `pod does not exist`). */
const MUX_NOT_FOUND = /^404 page not found\s*$/;

/** Longest evidence kept, in characters. */
export const EVIDENCE_CHARS = 160;

/** The outcome of an answer with `status` and `body`. */
export function classifyAnswer(status: number, body: string): ProbeOutcome {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'denied';
  if (status === 405 || (status === 404 && MUX_NOT_FOUND.test(body))) return 'not-served';
  if ((status >= 200 && status < 300) || status === 101) return 'exposed';
  return 'error';
}

/** `text` on one line (control characters escaped), cut to `max` characters with an ellipsis. */
export function snippet(text: string, max = EVIDENCE_CHARS): string {
  const flat = oneLine(text);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Like `snippet`, but an overlong text keeps its start and its end (where error chains put the cause). */
export function snippetEnds(text: string, max = EVIDENCE_CHARS): string {
  const flat = oneLine(text);
  if (flat.length <= max) return flat;
  const half = Math.floor((max - 1) / 2);
  return `${flat.slice(0, half)}…${flat.slice(flat.length - half)}`;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
