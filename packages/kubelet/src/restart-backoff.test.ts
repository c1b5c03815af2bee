import { describe, expect, it } from 'vitest';
import { RestartBackoff } from './restart-backoff.ts';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RestartBackoff', () => {
  it('lets the first failure retry at once, then doubles up to the cap', () => {
    const c = clock();
    const b = new RestartBackoff({ initialMs: 10_000, maxMs: 40_000 }, c.now);
    expect(b.remaining('k', c.now()).waitMs).toBe(0);
    expect(b.next('k')).toBe(10_000);
    expect(b.remaining('k', c.now())).toEqual({ waitMs: 10_000, backoffMs: 10_000 });
    expect(b.next('k')).toBe(20_000);
    expect(b.next('k')).toBe(40_000);
    expect(b.next('k')).toBe(40_000);
  });

  it('counts the wait from the failure time', () => {
    const c = clock();
    const b = new RestartBackoff({ initialMs: 10_000, maxMs: 300_000 }, c.now);
    b.next('k');
    const failedAt = c.now();
    c.advance(4_000);
    expect(b.remaining('k', failedAt)).toEqual({ waitMs: 6_000, backoffMs: 10_000 });
    c.advance(7_000);
    expect(b.remaining('k', failedAt).waitMs).toBe(0);
  });

  it('starts over after being idle for twice the cap, and keeps keys apart', () => {
    const c = clock();
    const b = new RestartBackoff({ initialMs: 100, maxMs: 1_000 }, c.now);
    b.next('k');
    b.next('k');
    expect(b.next('other')).toBe(100);
    c.advance(2_001);
    expect(b.remaining('k', c.now()).waitMs).toBe(0);
    expect(b.next('k')).toBe(100);
    b.forget('k');
    expect(b.remaining('k', c.now()).waitMs).toBe(0);
  });
});
