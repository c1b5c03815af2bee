import { describe, expect, it } from 'vitest';
import { parseCidr, PodIPAllocator } from './pod-ip.ts';

describe('PodIPAllocator', () => {
  it('hands out .2 upward and gives the same owner the same address', () => {
    const ips = new PodIPAllocator('127.244.1.0/24');
    expect(ips.allocate('a')).toBe('127.244.1.2');
    expect(ips.allocate('b')).toBe('127.244.1.3');
    expect(ips.allocate('a')).toBe('127.244.1.2');
    expect(ips.inUse).toBe(2);
  });

  it('reuses a released address', () => {
    const ips = new PodIPAllocator('10.0.0.0/24');
    ips.allocate('a');
    ips.allocate('b');
    ips.release('a');
    expect(ips.allocate('c')).toBe('10.0.0.2');
  });

  it('fails when the range is exhausted, never handing out the broadcast address', () => {
    const ips = new PodIPAllocator('10.0.0.0/30');
    expect(ips.allocate('a')).toBe('10.0.0.2');
    expect(() => ips.allocate('b')).toThrow('no pod IP left in 10.0.0.0/30');
  });

  it('normalises a CIDR given with host bits set', () => {
    expect(new PodIPAllocator('10.1.2.77/24').allocate('a')).toBe('10.1.2.2');
  });
});

describe('parseCidr', () => {
  it('rejects malformed and too-small ranges', () => {
    expect(() => parseCidr('10.0.0.0')).toThrow(/not an IPv4 CIDR/);
    expect(() => parseCidr('10.0.0.300/24')).toThrow(/octet above 255/);
    expect(() => parseCidr('10.0.0.0/31')).toThrow(/prefix must be \/30 or shorter/);
  });
});
