import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration } from './duration.ts';

describe('parseGoDuration', () => {
  it('reads compound durations', () => {
    expect(parseGoDuration('4h0m0s')).toBe(4 * 3_600_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('300ms')).toBe(300);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('-2s')).toBe(-2000);
  });

  it('rejects numbers without units and garbage', () => {
    expect(() => parseGoDuration('10')).toThrow('time: invalid duration "10"');
    expect(() => parseGoDuration('10 s')).toThrow(/invalid duration/);
    expect(() => parseGoDuration('')).toThrow(/invalid duration/);
  });
});

describe('formatGoDuration', () => {
  it('prints like Go', () => {
    expect(formatGoDuration(10_000)).toBe('10s');
    expect(formatGoDuration(80_000)).toBe('1m20s');
    expect(formatGoDuration(300_000)).toBe('5m0s');
    expect(formatGoDuration(4 * 3_600_000)).toBe('4h0m0s');
    expect(formatGoDuration(50)).toBe('50ms');
    expect(formatGoDuration(1500)).toBe('1.5s');
    expect(formatGoDuration(0)).toBe('0s');
  });

  it('round-trips through parse', () => {
    for (const ms of [1, 999, 1000, 61_500, 3_600_000, 3_723_000]) {
      expect(parseGoDuration(formatGoDuration(ms))).toBe(ms);
    }
  });
});
