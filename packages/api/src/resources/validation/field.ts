// Field errors that errors.ts does not construct (Duplicate, TooLong, and Invalid with a Go-formatted value),
// worded as apimachinery's field.Error renders them.
import type { FieldError } from '../../errors.ts';

/** `field.Duplicate`: `Duplicate value: "x"`. */
export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${goValue(value)}` };
}

/** `field.TooLong`: `Too long: may not be more than N bytes`. */
export function tooLong(field: string, maxLength: number): FieldError {
  return { type: 'FieldValueTooLong', field, message: `Too long: may not be more than ${maxLength} bytes` };
}

/** `field.Invalid` whose value is already rendered the way Go's `%#v` shows it (structs, slices). */
export function invalidRendered(field: string, rendered: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${rendered}: ${detail}` };
}

/** A scalar as field.Error prints it: strings quoted, numbers and booleans bare, absent as `null`. */
export function goValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** A string slice as Go's `%#v` prints it: `[]string{"a", "b"}`. */
export function goStringSlice(values: readonly string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** A byte slice as Go's `%#v` prints it: `[]byte{0x2d, 0x2d}` (`[]byte(nil)` when empty). */
export function goByteSlice(bytes: Uint8Array | undefined): string {
  if (!bytes || bytes.length === 0) return '[]byte(nil)';
  return `[]byte{${Array.from(bytes, (b) => `0x${b.toString(16)}`).join(', ')}}`;
}
