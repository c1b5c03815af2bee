import { describe, expect, it } from 'vitest';
import { parseDuration, parseIntFlag, parseProxyStrategies } from './flags.ts';

describe('command-line flag parsers', () => {
  it('parses ports, durations and proxy strategies and refuses bad values', () => {
    expect(parseIntFlag('8132')).toBe(8132);
    expect(() => parseIntFlag('81x')).toThrow('strconv.ParseInt: parsing "81x": invalid syntax');
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(() => parseDuration('5')).toThrow('time: invalid duration "5"');
    expect(parseProxyStrategies('destHost,default')).toEqual(['destHost', 'default']);
    expect(() => parseProxyStrategies('destHost,nearest')).toThrow('unknown proxy strategy "nearest"');
  });
});
