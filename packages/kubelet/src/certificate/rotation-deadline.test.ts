import { describe, expect, it } from 'vitest';
import { nextRotationDeadline } from './rotation-deadline.ts';

const validity = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2025-01-11T00:00:00Z') };
const DAY = 86_400_000;

describe('nextRotationDeadline', () => {
  it('falls at 70 % of the lifetime for the lowest jitter and approaches 90 % for the highest', () => {
    expect(nextRotationDeadline(validity, () => 0).toISOString()).toBe('2025-01-08T00:00:00.000Z');
    const latest = nextRotationDeadline(validity, () => 0.999999).getTime();
    expect(latest).toBeLessThan(validity.notBefore.getTime() + 9 * DAY);
    expect(latest).toBeGreaterThan(validity.notBefore.getTime() + 9 * DAY - 1000);
  });

  it('spreads real random deadlines over the whole 70–90 % window', () => {
    const fractions = Array.from({ length: 2000 }, () => (nextRotationDeadline(validity).getTime() - validity.notBefore.getTime()) / (10 * DAY));
    expect(Math.min(...fractions)).toBeGreaterThanOrEqual(0.7);
    expect(Math.max(...fractions)).toBeLessThan(0.9);
    // With 2000 draws both ends of the window are reached closely.
    expect(Math.min(...fractions)).toBeLessThan(0.71);
    expect(Math.max(...fractions)).toBeGreaterThan(0.89);
  });

  it('scales with the certificate lifetime, so a short-lived certificate is renewed within seconds', () => {
    const notBefore = new Date('2025-01-01T00:00:00Z');
    const deadline = nextRotationDeadline({ notBefore, notAfter: new Date(notBefore.getTime() + 4000) }, () => 0.5);
    expect(deadline.getTime() - notBefore.getTime()).toBe(3200);
  });
});
