// Label selectors: parsed from `?labelSelector=` text or built from a `metav1.LabelSelector`, then matched
// against an object's labels. Every requirement must hold (comma means AND).
import { badRequest } from '../errors.ts';
import { parseLabelRequirements } from './label-parser.ts';
import {
  formatRequirement,
  newLabelRequirement,
  requirementMatches,
  type LabelOperator,
  type LabelRequirement,
} from './label-requirement.ts';
import { goQuote } from './validation.ts';

/** A parsed label selector. `nothing` selects no object at all (a nil `metav1.LabelSelector`). */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  readonly nothing?: true;
}

/** `metav1.LabelSelectorRequirement`. */
export interface LabelSelectorRequirementObject {
  key: string;
  operator: string;
  values?: string[];
}

/** `metav1.LabelSelector` as JSON. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementObject[];
}

/** The selector that matches every object. */
export const EVERYTHING_SELECTOR: LabelSelector = Object.freeze({ requirements: Object.freeze([]) });

/** The selector that matches no object. */
export const NOTHING_SELECTOR: LabelSelector = Object.freeze({ requirements: Object.freeze([]), nothing: true as const });

function byKey(a: LabelRequirement, b: LabelRequirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Parse `?labelSelector=` text; empty text selects everything. Throws 400 with apimachinery's wording. */
export function parseLabelSelector(text: string): LabelSelector {
  const result = parseLabelRequirements(text);
  if (!result.ok) throw badRequest(result.message);
  return { requirements: [...result.requirements].sort(byKey) };
}

/** Whether an object's labels satisfy the selector. */
export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (selector.nothing) return false;
  const set = labels ?? {};
  return selector.requirements.every((r) => requirementMatches(r, set));
}

/** Whether the selector places no restriction (`Selector.Empty()`). */
export function selectsEverything(selector: LabelSelector): boolean {
  return !selector.nothing && selector.requirements.length === 0;
}

const EXPRESSION_OPERATORS: Record<string, LabelOperator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * `metav1.LabelSelectorAsSelector`: a nil selector selects nothing, an empty one everything. Throws 400 with
 * apimachinery's text for a bad key, value or operator.
 */
export function labelSelectorFromObject(object: LabelSelectorObject | null | undefined): LabelSelector {
  if (object === null || object === undefined) return NOTHING_SELECTOR;
  const matchLabels = object.matchLabels ?? {};
  const expressions = object.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + expressions.length === 0) return EVERYTHING_SELECTOR;
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(matchLabels)) {
    requirements.push(checked(newLabelRequirement(key, '=', [value])));
  }
  for (const expr of expressions) {
    const operator = EXPRESSION_OPERATORS[expr.operator];
    if (!operator) throw badRequest(`${goQuote(String(expr.operator))} is not a valid label selector operator`);
    // Go copies the values with append([]string(nil), …): an empty list stays nil, which shows in errors.
    const values = expr.values && expr.values.length ? [...expr.values] : undefined;
    requirements.push(checked(newLabelRequirement(expr.key, operator, values)));
  }
  return { requirements: requirements.sort(byKey) };
}

function checked(result: ReturnType<typeof newLabelRequirement>): LabelRequirement {
  if (!result.ok) throw badRequest(result.message);
  return result.requirement;
}

/** A selector that requires exactly these labels (`labels.SelectorFromSet`); empty selects everything. */
export function labelSelectorFromSet(set: Readonly<Record<string, string>> | undefined): LabelSelector {
  const requirements = Object.entries(set ?? {}).map(([key, value]) => ({ key, operator: '=' as const, values: [value] }));
  return { requirements: requirements.sort(byKey) };
}

/** The canonical text of a selector (`Selector.String()`), e.g. `app=web,tier in (a,b)`. */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector.requirements.map(formatRequirement).join(',');
}

/** The single value a selector demands for `key` (`=`, `==` or a one-value `in`), if it demands one. */
export function requiredLabelValue(selector: LabelSelector, key: string): string | undefined {
  const r = selector.requirements.find((req) => req.key === key);
  if (!r) return undefined;
  const exact = r.operator === '=' || r.operator === '==' || r.operator === 'in';
  return exact && r.values.length === 1 ? r.values[0] : undefined;
}
