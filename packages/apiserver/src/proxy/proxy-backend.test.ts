import { describe, expect, it } from 'vitest';
import { ApiError } from '@hubspoke/api';
import { parseProxyId, requireProxyableIP } from './proxy-backend.ts';

function refusal(ip: string, allowLoopback: boolean): string | undefined {
  try {
    requireProxyableIP(ip, allowLoopback);
    return undefined;
  } catch (err) {
    return `${(err as ApiError).code} ${(err as ApiError).message}`;
  }
}

describe('parseProxyId', () => {
  it('reads name, name:port and scheme:name:port, with http as the default scheme and named ports allowed', () => {
    expect(parseProxyId('pod', 'web')).toEqual({ scheme: 'http', name: 'web', port: '' });
    expect(parseProxyId('pod', 'web:8080')).toEqual({ scheme: 'http', name: 'web', port: '8080' });
    expect(parseProxyId('service', 'https:web:metrics')).toEqual({ scheme: 'https', name: 'web', port: 'metrics' });
    expect(parseProxyId('pod', 'http:web:')).toEqual({ scheme: 'http', name: 'web', port: '' });
  });

  it('rejects an unknown scheme, an empty name and too many parts', () => {
    expect(() => parseProxyId('pod', 'ftp:web:21')).toThrow('invalid pod request "ftp:web:21"');
    expect(() => parseProxyId('service', ':80')).toThrow('invalid service request ":80"');
    expect(() => parseProxyId('pod', 'a:b:c:d')).toThrow('invalid pod request "a:b:c:d"');
  });
});

describe('requireProxyableIP', () => {
  it('refuses loopback and link-local addresses as Kubernetes does', () => {
    for (const ip of ['127.0.0.1', '127.244.1.5', '::1', '169.254.169.254', 'fe80::1', '::ffff:127.0.0.1', '', 'web.default']) {
      expect(refusal(ip, false), ip).toBe('400 address not allowed');
    }
    expect(refusal('10.244.1.5', false)).toBeUndefined();
    expect(refusal('fd00::5', false)).toBeUndefined();
  });

  it('accepts loopback, and only loopback, when the lab allows it', () => {
    expect(refusal('127.244.1.5', true)).toBeUndefined();
    expect(refusal('::1', true)).toBeUndefined();
    expect(refusal('169.254.169.254', true)).toBe('400 address not allowed');
  });
});
