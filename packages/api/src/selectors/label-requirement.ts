// One term of a label selector (`labels.Requirement`): a key, an operator and its values, validated as
// `labels.NewRequirement` does, and matched against a label set.
import {
  aggregateText,
  goQuote,
  goStringSlice,
  invalidValueText,
  labelValueErrors,
  qualifiedNameErrors,
} from './validation.ts';

/** `selection.Operator` values a label requirement can carry. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** One validated term; `values` are sorted and unique for `in`/`notin`. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** A requirement, or the apiserver's text for why it is invalid. */
export type RequirementResult = { ok: true; requirement: LabelRequirement } | { ok: false; message: string };

const INT64 = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's `strconv.ParseInt(s, 10, 64)`, or undefined when it would fail. */
export function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** The error for an invalid label key at `path` (`null` prints `<nil>`, as the selector parser does). */
export function labelKeyError(key: string, path: string | null): string | undefined {
  const errs = qualifiedNameErrors(key);
  return errs.length ? invalidValueText(path, goQuote(key), errs.join('; ')) : undefined;
}

/**
 * `labels.NewRequirement`: checks the key, the value count for the operator, integer values for gt/lt and
 * every value's syntax. `values` undefined stands for Go's nil slice (it only changes error texts).
 */
export function newLabelRequirement(key: string, operator: LabelOperator, values?: readonly string[]): RequirementResult {
  const vals = values ?? [];
  const errs: string[] = [];
  const keyErr = labelKeyError(key, 'key');
  if (keyErr) errs.push(keyErr);
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) {
        errs.push(invalidValueText('values', goStringSlice(values), "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) {
        errs.push(invalidValueText('values', goStringSlice(values), 'exact-match compatibility requires one single value'));
      }
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) {
        errs.push(
          invalidValueText('values', goStringSlice(values), 'values set must be empty for exists and does not exist'),
        );
      }
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) {
        errs.push(
          invalidValueText('values', goStringSlice(values), "for 'Gt', 'Lt' operators, exactly one value is required"),
        );
      }
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalidValueText(`values[${i}]`, goQuote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  vals.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length) errs.push(invalidValueText(`values[${i}][${key}]`, goQuote(v), valueErrs.join('; ')));
  });
  if (errs.length) return { ok: false, message: aggregateText(errs) };
  return { ok: true, requirement: { key, operator, values: [...vals] } };
}

/** Whether one requirement holds for a label set (`Requirement.Matches`). */
export function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(labels[r.key]);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(labels[r.key]);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const actual = parseInt64(labels[r.key]);
      const bound = parseInt64(r.values[0]);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

/** A requirement as `Requirement.String()` prints it (`a in (x,y)`, `!a`, `a>3`). */
export function formatRequirement(r: LabelRequirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${[...r.values].sort().join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}
