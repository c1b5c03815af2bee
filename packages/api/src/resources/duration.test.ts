import { describe, expect, it } from 'vitest';
import { ageSince, humanDuration } from './duration.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  it.each([
    [0, '0s'],
    [1 * s, '1s'],
    [70 * s, '70s'],
    [119 * s, '119s'],
    [120 * s, '2m'],
    [190 * s, '3m10s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [70 * m, '70m'],
    [179 * m, '179m'],
    [180 * m, '3h'],
    [5 * h + 3 * m, '5h3m'],
    [8 * h + 59 * m, '8h'],
    [47 * h, '47h'],
    [48 * h, '2d'],
    [49 * h, '2d1h'],
    [8 * d + 2 * h, '8d'],
    [367 * d, '367d'],
    [(365 * 2 * 24 + 25) * h, '2y1d'],
    [(365 * 8 * 24 + 2) * h, '8y'],
  ])('prints %d ms as %s, as apimachinery does', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });

  it('tolerates up to two seconds of clock skew and calls larger negative ages invalid', () => {
    expect(humanDuration(-1500)).toBe('0s');
    expect(humanDuration(-2000)).toBe('<invalid>');
  });

  it('prints <unknown> for an object without a creation timestamp', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    expect(ageSince(undefined, now)).toBe('<unknown>');
    expect(ageSince('2024-12-31T23:56:48Z', now)).toBe('3m12s');
  });
});
