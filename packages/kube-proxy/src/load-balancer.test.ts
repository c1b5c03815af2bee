import { describe, expect, it } from 'vitest';
import { RoundRobinBalancer } from './load-balancer.ts';

const A = { ip: '10.0.0.1', port: 80 };
const B = { ip: '10.0.0.2', port: 80 };
const C = { ip: '10.0.0.3', port: 80 };

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RoundRobinBalancer', () => {
  it('has nothing to offer without endpoints', () => {
    const lb = new RoundRobinBalancer();
    expect(lb.next('1.1.1.1')).toBeUndefined();
    lb.update([], { kind: 'client-ip', timeoutMs: 1000 });
    expect(lb.next('1.1.1.1')).toBeUndefined();
  });

  it('takes turns over the endpoints whoever the client is', () => {
    const lb = new RoundRobinBalancer();
    lb.update([A, B, C], { kind: 'none' });
    expect([lb.next('1.1.1.1'), lb.next('1.1.1.1'), lb.next('2.2.2.2'), lb.next('1.1.1.1')]).toEqual([A, B, C, A]);
  });

  it('keeps its turn when the endpoint set changes', () => {
    const lb = new RoundRobinBalancer();
    lb.update([A, B], { kind: 'none' });
    lb.next('c');
    lb.update([A, B, C], { kind: 'none' });
    expect([lb.next('c'), lb.next('c'), lb.next('c')]).toEqual([B, C, A]);
  });

  it('sticks a client to its endpoint with ClientIP affinity while others rotate', () => {
    const lb = new RoundRobinBalancer();
    lb.update([A, B], { kind: 'client-ip', timeoutMs: 10_000 });
    const first = lb.next('1.1.1.1');
    expect([lb.next('1.1.1.1'), lb.next('1.1.1.1')]).toEqual([first, first]);
    expect(lb.next('2.2.2.2')).not.toEqual(first);
  });

  it('lets affinity expire after the timeout of inactivity, but not while the client keeps coming', () => {
    const t = clock();
    const lb = new RoundRobinBalancer({ now: t.now });
    lb.update([A, B], { kind: 'client-ip', timeoutMs: 1000 });
    expect(lb.next('1.1.1.1')).toEqual(A);
    t.advance(900);
    expect(lb.next('1.1.1.1')).toEqual(A);
    t.advance(900); // 1800 ms after the first use, but only 900 after the last
    expect(lb.next('1.1.1.1')).toEqual(A);
    t.advance(1000);
    expect(lb.next('1.1.1.1')).toEqual(B);
  });

  it('moves a sticky client when its endpoint disappears, and when asked to reselect', () => {
    const lb = new RoundRobinBalancer();
    lb.update([A, B, C], { kind: 'client-ip', timeoutMs: 60_000 });
    expect(lb.next('1.1.1.1')).toEqual(A);
    lb.update([B, C], { kind: 'client-ip', timeoutMs: 60_000 });
    const moved = lb.next('1.1.1.1');
    expect(moved).not.toEqual(A);
    expect(lb.next('1.1.1.1')).toEqual(moved);
    const reselected = lb.next('1.1.1.1', { reselect: true });
    expect(reselected).not.toEqual(moved);
    expect(lb.next('1.1.1.1')).toEqual(reselected);
  });

  it('forgets stickiness when affinity is turned off', () => {
    const lb = new RoundRobinBalancer();
    lb.update([A, B], { kind: 'client-ip', timeoutMs: 60_000 });
    lb.next('1.1.1.1');
    lb.update([A, B], { kind: 'none' });
    expect([lb.next('1.1.1.1'), lb.next('1.1.1.1')]).toEqual([B, A]);
  });
});
