import { describe, expect, it } from 'vitest';
import { parseFeatureGates, parseGoBool } from './pflag-values.ts';

describe('pflag values', () => {
  it("accepts exactly Go's boolean spellings", () => {
    for (const v of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(parseGoBool(v)).toBe(true);
    for (const v of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parseGoBool(v)).toBe(false);
    expect(() => parseGoBool('tRuE')).toThrow('strconv.ParseBool: parsing "tRuE": invalid syntax');
    expect(() => parseGoBool('yes')).toThrow('strconv.ParseBool: parsing "yes": invalid syntax');
  });

  it('reads repeated and comma-separated feature gates, later values winning', () => {
    const first = parseFeatureGates('A=true, B=false', undefined);
    expect(parseFeatureGates('B=true', first)).toEqual({ A: true, B: true });
  });

  it("refuses a gate without a value or with a non-boolean one, in component-base's words", () => {
    expect(() => parseFeatureGates('A', undefined)).toThrow('missing bool value for A');
    expect(() => parseFeatureGates('A=on', undefined)).toThrow('invalid value of A=on, err: strconv.ParseBool: parsing "on": invalid syntax');
  });
});
