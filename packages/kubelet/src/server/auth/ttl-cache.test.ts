import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.ts';

describe('TtlCache', () => {
  it('forgets an entry once its own TTL has passed', () => {
    let now = 1_000;
    const cache = new TtlCache<string>({ now: () => now });
    cache.set('short', 'a', 10);
    cache.set('long', 'b', 100);
    now += 9;
    expect([cache.get('short'), cache.get('long')]).toEqual(['a', 'b']);
    now += 1;
    expect([cache.get('short'), cache.get('long')]).toEqual([undefined, 'b']);
    now += 90;
    expect(cache.get('long')).toBeUndefined();
  });

  it('stores nothing for a TTL of zero', () => {
    const cache = new TtlCache<string>();
    cache.set('k', 'v', 0);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the oldest insertion when full', () => {
    const cache = new TtlCache<number>({ maxEntries: 2 });
    cache.set('a', 1, 1000);
    cache.set('b', 2, 1000);
    cache.set('a', 3, 1000);
    cache.set('c', 4, 1000);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([3, undefined, 4]);
  });
});
