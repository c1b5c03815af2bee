import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import {
  formatLabelSelector,
  selectsEverything,
  labelSelectorFromObject,
  labelSelectorFromSet,
  matchesLabels,
  parseLabelSelector,
  requiredLabelValue,
} from './label-selector.ts';

function parseError(text: string): ApiError {
  try {
    parseLabelSelector(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

const KEY_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('parseLabelSelector', () => {
  it('reads every operator kubectl users write', () => {
    const s = parseLabelSelector('tier!=db,app=web,env==prod,zone in (a,b),track notin (canary),owner,!legacy');
    expect(s.requirements.map((r) => [r.key, r.operator, r.values])).toEqual([
      ['app', '=', ['web']],
      ['env', '==', ['prod']],
      ['legacy', '!', []],
      ['owner', 'exists', []],
      ['tier', '!=', ['db']],
      ['track', 'notin', ['canary']],
      ['zone', 'in', ['a', 'b']],
    ]);
  });

  it('tolerates whitespace around keys, operators and values', () => {
    const s = parseLabelSelector('  app =  web ,\tzone in ( b , a )  , ! legacy ');
    expect(formatLabelSelector(s)).toBe('app=web,!legacy,zone in (a,b)');
  });

  it('treats empty text as selecting everything', () => {
    expect(selectsEverything(parseLabelSelector(''))).toBe(true);
    expect(matchesLabels(parseLabelSelector('   '), { a: 'b' })).toBe(true);
  });

  it('accepts empty values the way apimachinery does', () => {
    const s = parseLabelSelector('x in (foo,,baz),y,z notin ()');
    expect(s.requirements.map((r) => [r.key, r.operator, r.values])).toEqual([
      ['x', 'in', ['', 'baz', 'foo']],
      ['y', 'exists', []],
      ['z', 'notin', ['']],
    ]);
    expect(parseLabelSelector('a=').requirements[0].values).toEqual(['']);
  });

  it('lets in and notin be values', () => {
    expect(parseLabelSelector('mode in (in,notin)').requirements[0].values).toEqual(['in', 'notin']);
  });

  it('reads gt and lt with integer values', () => {
    const s = parseLabelSelector('replicas>2,age<10');
    expect(matchesLabels(s, { replicas: '3', age: '9' })).toBe(true);
    expect(matchesLabels(s, { replicas: '2', age: '9' })).toBe(false);
    expect(matchesLabels(s, { replicas: 'x', age: '9' })).toBe(false);
  });

  it('rejects an unclosed value set with the apiserver text', () => {
    const err = parseError('env in (a');
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toBe("unable to parse requirement: found '', expected: ',' or ')'");
  });

  it('rejects a missing operator', () => {
    expect(parseError('a b').message).toBe(
      "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    );
  });

  it('rejects junk after a requirement', () => {
    expect(parseError('a=b c').message).toBe("found 'c', expected: ',' or 'end of string'");
    expect(parseError('!a=b').message).toBe("found '=', expected: ',' or 'end of string'");
  });

  it('rejects a dangling or leading comma', () => {
    expect(parseError('a=b,').message).toBe("found '', expected: identifier after ','");
    expect(parseError(',a').message).toBe("found ',', expected: !, identifier, or 'end of string'");
  });

  it('rejects a value set without its parenthesis', () => {
    expect(parseError('a in b').message).toBe("unable to parse requirement: found 'b' expected: '('");
  });

  it('rejects an invalid key with the validation text and a <nil> path', () => {
    expect(parseError('a$b=c').message).toBe(`unable to parse requirement: <nil>: Invalid value: "a$b": ${KEY_RULE}`);
    expect(parseError('a/b/c').message).toContain('a qualified name must consist of');
  });

  it('rejects an invalid value with the values[i][key] path', () => {
    expect(parseError('app=we$b').message).toBe(
      'unable to parse requirement: values[0][app]: Invalid value: "we$b": a valid label must be an empty string or ' +
        "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  });

  it('rejects a non-integer bound for gt', () => {
    expect(parseError('a>b').message).toBe(
      `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`,
    );
  });

  it('rejects a label key whose name part is too long', () => {
    expect(parseError(`${'a'.repeat(64)}=x`).message).toContain('name part must be no more than 63 characters');
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'front' };

  it('requires every term to hold', () => {
    expect(matchesLabels(parseLabelSelector('app=web,tier=front'), labels)).toBe(true);
    expect(matchesLabels(parseLabelSelector('app=web,tier=back'), labels)).toBe(false);
  });

  it('counts a missing key as satisfying != and notin but not = or in', () => {
    expect(matchesLabels(parseLabelSelector('env!=prod'), labels)).toBe(true);
    expect(matchesLabels(parseLabelSelector('env notin (prod)'), labels)).toBe(true);
    expect(matchesLabels(parseLabelSelector('env=prod'), labels)).toBe(false);
    expect(matchesLabels(parseLabelSelector('env in (prod)'), labels)).toBe(false);
  });

  it('checks existence and absence', () => {
    expect(matchesLabels(parseLabelSelector('app,!env'), labels)).toBe(true);
    expect(matchesLabels(parseLabelSelector('!app'), labels)).toBe(false);
    expect(matchesLabels(parseLabelSelector('app'), undefined)).toBe(false);
  });

  it('matches an empty value only against a present empty label', () => {
    expect(matchesLabels(parseLabelSelector('a='), { a: '' })).toBe(true);
    expect(matchesLabels(parseLabelSelector('a='), {})).toBe(false);
  });
});

describe('labelSelectorFromObject', () => {
  it('selects nothing for a missing selector and everything for an empty one', () => {
    expect(matchesLabels(labelSelectorFromObject(undefined), {})).toBe(false);
    expect(matchesLabels(labelSelectorFromObject(null), { a: 'b' })).toBe(false);
    expect(matchesLabels(labelSelectorFromObject({}), { a: 'b' })).toBe(true);
  });

  it('combines matchLabels and matchExpressions', () => {
    const s = labelSelectorFromObject({
      matchLabels: { 'rbac.example.com/aggregate-to-view': 'true' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(formatLabelSelector(s)).toBe('!legacy,rbac.example.com/aggregate-to-view=true,tier in (a,b)');
    expect(matchesLabels(s, { 'rbac.example.com/aggregate-to-view': 'true', tier: 'b' })).toBe(true);
    expect(matchesLabels(s, { 'rbac.example.com/aggregate-to-view': 'true', tier: 'b', legacy: '' })).toBe(false);
  });

  it('rejects an unknown operator', () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Equals' }] })).toThrow(
      '"Equals" is not a valid label selector operator',
    );
  });

  it('rejects In without values with the Go nil-slice text', () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
  });

  it('rejects Exists with values', () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow(
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    );
  });
});

describe('selector helpers', () => {
  it('builds an equality selector from a label set, as Services select pods', () => {
    const s = labelSelectorFromSet({ app: 'web' });
    expect(matchesLabels(s, { app: 'web', extra: 'x' })).toBe(true);
    expect(matchesLabels(s, { app: 'db' })).toBe(false);
    expect(selectsEverything(labelSelectorFromSet({}))).toBe(true);
  });

  it('reports the single value a selector demands for a key', () => {
    const s = parseLabelSelector('app=web,tier in (a),zone in (a,b)');
    expect(requiredLabelValue(s, 'app')).toBe('web');
    expect(requiredLabelValue(s, 'tier')).toBe('a');
    expect(requiredLabelValue(s, 'zone')).toBeUndefined();
    expect(requiredLabelValue(s, 'none')).toBeUndefined();
  });
});
