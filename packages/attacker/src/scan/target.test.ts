import { describe, expect, it } from 'vitest';
import { formatAddress, parseTarget } from './target.ts';

describe('parseTarget', () => {
  it('reads host:port, bracketed IPv6 and a bare host', () => {
    expect(parseTarget('127.0.10.1:10250')).toEqual({ host: '127.0.10.1', port: 10250 });
    expect(parseTarget('[::1]:4443')).toEqual({ host: '::1', port: 4443 });
    expect(parseTarget('node-1')).toEqual({ host: 'node-1', port: 10250 });
    expect(parseTarget('::1')).toEqual({ host: '::1', port: 10250 });
  });

  it('refuses a port out of range', () => {
    expect(() => parseTarget('node-1:70000')).toThrow('invalid kubelet address "node-1:70000"');
    expect(() => parseTarget('node-1:x')).toThrow('want host:port');
  });

  it('prints addresses back the way they are typed', () => {
    expect(formatAddress({ host: '::1', port: 10250 })).toBe('[::1]:10250');
    expect(formatAddress({ host: '127.0.0.1', port: 1 })).toBe('127.0.0.1:1');
  });
});
