import { describe, expect, it } from 'vitest';
import { formatAgentIdentifiers, identifiesHost, parseAgentIdentifiers } from './identifiers.ts';

describe('agent identifiers', () => {
  it('parses the agent flag form and round-trips it', () => {
    const ids = parseAgentIdentifiers('ipv4=1.2.3.4&host=Node-1&ipv6=0:0::1&default-route=true&cidr=10.0.0.0/8');
    expect(ids).toEqual({ host: ['node-1'], ipv4: ['1.2.3.4'], ipv6: ['::1'], defaultRoute: true });
    expect(parseAgentIdentifiers(formatAgentIdentifiers(ids))).toEqual(ids);
  });

  it('matches destinations by IPv4, bracketed IPv6 and case-insensitive host name', () => {
    const ids = parseAgentIdentifiers('ipv4=1.2.3.4&host=node-1&ipv6=fd00::1');
    expect(identifiesHost(ids, '1.2.3.4')).toBe(true);
    expect(identifiesHost(ids, '[fd00:0::1]')).toBe(true);
    expect(identifiesHost(ids, 'NODE-1')).toBe(true);
    expect(identifiesHost(ids, '1.2.3.5')).toBe(false);
    expect(identifiesHost(ids, 'node-2')).toBe(false);
  });
});
