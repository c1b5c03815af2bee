import { describe, expect, it } from 'vitest';
import {
  checkFieldLabels,
  escapeFieldValue,
  formatFieldSelector,
  matchesFields,
  parseFieldSelector,
  requirementValue,
} from './field-selector.ts';

describe('parseFieldSelector', () => {
  it('reads =, == and != terms joined by commas', () => {
    const s = parseFieldSelector('spec.nodeName=n1,status.phase!=Failed,metadata.name==web');
    expect(s.requirements).toEqual([
      { field: 'metadata.name', operator: '=', value: 'web' },
      { field: 'spec.nodeName', operator: '=', value: 'n1' },
      { field: 'status.phase', operator: '!=', value: 'Failed' },
    ]);
  });

  it('unescapes backslash-escaped commas, equals signs and backslashes', () => {
    const s = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d,spec.nodeName=n');
    expect(s.requirements[0].value).toBe('a,b=c\\d');
    expect(formatFieldSelector(s)).toBe('metadata.name=a\\,b\\=c\\\\d,spec.nodeName=n');
    expect(escapeFieldValue('x=y')).toBe('x\\=y');
  });

  it('ignores empty terms and empty text', () => {
    expect(parseFieldSelector('').requirements).toEqual([]);
    expect(parseFieldSelector('a=b,,').requirements).toHaveLength(1);
  });

  it('rejects a term without an operator', () => {
    expect(() => parseFieldSelector('spec.nodeName')).toThrow(
      "invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'",
    );
  });

  it('rejects an unescaped equals sign in a value with the rune number Go prints', () => {
    expect(() => parseFieldSelector('a=b=c')).toThrow('invalid field selector: unescaped character in value: 61');
  });

  it('rejects an unknown escape and a trailing backslash', () => {
    expect(() => parseFieldSelector('a=b\\x')).toThrow('invalid field selector: invalid escape sequence: \\x');
    expect(() => parseFieldSelector('a=b\\')).toThrow('invalid field selector: invalid escape sequence: \\');
  });

  it('answers parse errors with 400 BadRequest', () => {
    try {
      parseFieldSelector('nonsense');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 400, reason: 'BadRequest' });
    }
  });
});

describe('matchesFields', () => {
  it('compares each field and reads a missing field as empty', () => {
    const fields = { 'metadata.name': 'web', 'spec.nodeName': 'n1' };
    expect(matchesFields(parseFieldSelector('spec.nodeName=n1'), fields)).toBe(true);
    expect(matchesFields(parseFieldSelector('spec.nodeName=n2'), fields)).toBe(false);
    expect(matchesFields(parseFieldSelector('spec.nodeName!=n2,metadata.name=web'), fields)).toBe(true);
    expect(matchesFields(parseFieldSelector('status.podIP='), fields)).toBe(true);
    expect(matchesFields(parseFieldSelector('status.podIP!=x'), fields)).toBe(true);
  });
});

describe('requirementValue', () => {
  it('finds the exact value a selector requires, for indexed lookups', () => {
    const s = parseFieldSelector('spec.nodeName=node-1,status.phase!=Failed');
    expect(requirementValue(s, 'spec.nodeName')).toBe('node-1');
    expect(requirementValue(s, 'status.phase')).toBeUndefined();
    expect(requirementValue(s, 'metadata.name')).toBeUndefined();
  });
});

describe('checkFieldLabels', () => {
  const podLabels = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'];

  it('accepts supported labels', () => {
    const s = parseFieldSelector('spec.nodeName=n1');
    expect(checkFieldLabels(s, podLabels, 'Pod')).toEqual(s);
  });

  it('answers the apiserver text for a kind with its own field conversion', () => {
    expect(() => checkFieldLabels(parseFieldSelector('spec.foo=x'), podLabels, 'Pod')).toThrow(
      'field label not supported: spec.foo',
    );
  });

  it('answers the default text for kinds without one', () => {
    expect(() =>
      checkFieldLabels(parseFieldSelector('data.x=y'), ['metadata.name', 'metadata.namespace'], 'ConfigMap'),
    ).toThrow('"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  it('renames the legacy spec.host pod field to spec.nodeName', () => {
    const s = checkFieldLabels(parseFieldSelector('spec.host=n1'), podLabels, 'Pod');
    expect(s.requirements).toEqual([{ field: 'spec.nodeName', operator: '=', value: 'n1' }]);
    expect(requirementValue(s, 'spec.nodeName')).toBe('n1');
  });
});
