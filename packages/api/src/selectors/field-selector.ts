// Field selectors (k8s.io/apimachinery/pkg/fields, v0.32): `a=b`, `a==b`, `a!=b` joined by commas, with `\`
// escaping `\`, `,` and `=` inside values. Only labels a kind declares may be used; the apiserver checks that
// before it lists (`ConvertFieldLabel`), which is what checkFieldLabels does here.
import { badRequest } from '../errors.ts';
import { goQuote } from './validation.ts';

/** One term: `field=value` (also written `==`) or `field!=value`. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** A parsed field selector; every requirement must hold. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

// Split on commas that are not escaped; a backslash protects whatever follows it.
function splitTerms(text: string): string[] {
  if (text.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    if (escaped) escaped = false;
    else if (text[i] === '\\') escaped = true;
    else if (text[i] === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

// The first operator from the left wins; at one position `!=` and `==` are tried before `=`.
function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** `fields.UnescapeValue`: undo `\\`, `\,`, `\=`; an unescaped `,` or `=` is an error. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let escaped = false;
  for (const ch of s) {
    if (escaped) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') {
        throw badRequest(`invalid field selector: invalid escape sequence: \\${ch}`);
      }
      out += ch;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === ',' || ch === '=') {
      // Go prints the rune with %v, which is its code point.
      throw badRequest(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  if (escaped) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** `fields.EscapeValue`: the inverse of unescapeFieldValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (ch) => `\\${ch}`);
}

/** Parse `?fieldSelector=` text; empty text selects everything. Throws 400 with apimachinery's wording. */
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  // apimachinery sorts the raw terms before parsing them.
  for (const part of splitTerms(text).sort()) {
    if (part === '') continue;
    const term = splitTerm(part);
    if (!term) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const value = unescapeFieldValue(term.rhs);
    requirements.push({ field: term.lhs, operator: term.op === '!=' ? '!=' : '=', value });
  }
  return { requirements };
}

/** Whether an object's selectable fields satisfy the selector; a missing field reads as the empty string. */
export function matchesFields(selector: FieldSelector, fields: Readonly<Record<string, string>>): boolean {
  return selector.requirements.every((r) => {
    const actual = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : '';
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
}

/** The exact value the selector requires for `field` (`RequiresExactMatch`), e.g. `spec.nodeName`. */
export function requirementValue(selector: FieldSelector, field: string): string | undefined {
  return selector.requirements.find((r) => r.field === field && r.operator === '=')?.value;
}

/** The canonical text of a selector (`Selector.String()`). */
export function formatFieldSelector(selector: FieldSelector): string {
  return selector.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
}

// Kinds that register their own field label conversion in Kubernetes and so answer
// `field label not supported: X`; all others fall back to the metadata-only default and its wording.
const KINDS_WITH_FIELD_CONVERSION = new Set([
  'Pod',
  'Node',
  'ReplicationController',
  'Event',
  'Namespace',
  'Secret',
  'Service',
  'ReplicaSet',
  'Job',
  'CertificateSigningRequest',
]);

// Older clients select pods by `spec.host`; the apiserver reads it as `spec.nodeName`.
const FIELD_ALIASES: Record<string, Record<string, string>> = { Pod: { 'spec.host': 'spec.nodeName' } };

/**
 * Reject fields the kind does not support with the apiserver's 400, and return the selector with legacy
 * aliases renamed (Pod `spec.host` → `spec.nodeName`): match with the returned selector.
 */
export function checkFieldLabels(selector: FieldSelector, supportedLabels: readonly string[], kind: string): FieldSelector {
  const supported = new Set(supportedLabels);
  const aliases = FIELD_ALIASES[kind] ?? {};
  const requirements = selector.requirements.map((r) => {
    const field = aliases[r.field] ?? r.field;
    if (!supported.has(field)) {
      if (KINDS_WITH_FIELD_CONVERSION.has(kind)) throw badRequest(`field label not supported: ${r.field}`);
      throw badRequest(
        `${goQuote(r.field)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    }
    return field === r.field ? r : { ...r, field };
  });
  return { requirements };
}
