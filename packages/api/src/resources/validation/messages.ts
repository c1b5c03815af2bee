// The wording apimachinery's util/validation uses for its checks. kubectl users recognise these sentences,
// so they are reproduced exactly, including the regexes quoted inside them.

/** `must be no more than N characters`. */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** `<msg> (e.g. 'a' or 'b', regex used for validation is '<fmt>')`. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // apimachinery joins with " or " after a trailing ", ": the doubled space (`'a',  or 'b'`) is its own.
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

/** `must be non-empty`. */
export function emptyError(): string {
  return 'must be non-empty';
}

/** `must be between LO and HI, inclusive`. */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** `validation.ValidateImmutableField`'s detail. */
export const FIELD_IMMUTABLE = 'field is immutable';

/** `validation.IsNegativeErrorMsg`. */
export const IS_NEGATIVE = 'must be greater than or equal to 0';
