// The label key and value checks selectors use (the same ones object validation uses) and the way a
// field.Error and an aggregate of them print, so selector errors read exactly as the apiserver's do.

import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../resources/validation/index.ts';

/** `IsDNS1123Subdomain`: the problems with a DNS subdomain, empty when valid. */
export const dns1123SubdomainErrors = isDNS1123Subdomain;

/** `IsQualifiedName`: the problems with a label key (`[prefix/]name`), empty when valid. */
export const qualifiedNameErrors = isQualifiedName;

/** `IsValidLabelValue`: the problems with a label value, empty when valid. */
export const labelValueErrors = isValidLabelValue;

/** A string quoted as Go's `%q` prints it. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A `[]string` as Go's `%#v` prints it; `undefined` is the nil slice. */
export function goStringSlice(values: readonly string[] | undefined): string {
  if (values === undefined) return '[]string(nil)';
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** `field.Invalid(path, value, detail).Error()`; a nil path prints as `<nil>`, as in Go. */
export function invalidValueText(path: string | null, value: string, detail: string): string {
  return `${path ?? '<nil>'}: Invalid value: ${value}: ${detail}`;
}

/** `utilerrors.NewAggregate(...).Error()`: one message alone, several de-duplicated in brackets. */
export function aggregateText(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}
