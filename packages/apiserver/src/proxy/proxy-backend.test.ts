import { describe, expect, it } from 'vitest';
import { ApiError } from '@hubspoke/api';
import { dialPort, parseProxyId, requireProxyableHost, requireProxyableIP } from './proxy-backend.ts';

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

describe('dialPort', () => {
  it('accepts 1–65535, leading zeros included, as Go’s dialer does', () => {
    expect(dialPort('10.0.0.5', '8080')).toEqual({ kind: 'port', port: 8080 });
    expect(dialPort('10.0.0.5', '065535')).toEqual({ kind: 'port', port: 65535 });
  });

  it('words an out-of-range port and port 0 as Go’s net.Dial does', () => {
    expect(dialPort('10.0.0.5', '99999')).toEqual({ kind: 'undialable', message: 'dial tcp: address 99999: invalid port' });
    expect(dialPort('10.0.0.5', '1'.repeat(400))).toEqual({ kind: 'undialable', message: `dial tcp: address ${'1'.repeat(400)}: invalid port` });
    expect(dialPort('fd00::5', '0')).toEqual({ kind: 'undialable', message: 'dial tcp [fd00::5]:0: connect: connection refused' });
  });
});

describe('requireProxyableIP', () => {
  it('refuses every address that is not global unicast, as Kubernetes does', () => {
    const refused = [
      '127.0.0.1', '127.244.1.5', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', // loopback, also IPv4-mapped
      '0.0.0.0', '::', '::ffff:0.0.0.0', // unspecified: dialing it reaches this host
      '169.254.169.254', 'fe80::1', '::ffff:169.254.169.254', // link-local, cloud metadata
      '224.0.0.1', '239.1.2.3', 'ff02::1', 'ff05::2', '255.255.255.255', // multicast, broadcast
      '', 'web.default', 'fe80::1%eth0', '010.0.0.1', // not a plain IP
    ];
    for (const ip of refused) expect(refusal(ip, false), ip).toBe('400 address not allowed');
    for (const ip of ['10.244.1.5', 'fd00::5', '8.8.8.8', '2001:db8::1']) expect(refusal(ip, false), ip).toBeUndefined();
  });

  it('accepts loopback, and only loopback, when the lab allows it', () => {
    expect(refusal('127.244.1.5', true)).toBeUndefined();
    expect(refusal('::1', true)).toBeUndefined();
    expect(refusal('169.254.169.254', true)).toBe('400 address not allowed');
    expect(refusal('0.0.0.0', true)).toBe('400 address not allowed');
  });
});

describe('requireProxyableHost', () => {
  it('checks a name by every address it resolves to', async () => {
    await expect(requireProxyableHost('localhost', false)).rejects.toThrow('address not allowed');
    await expect(requireProxyableHost('localhost', true)).resolves.toBeUndefined();
    await expect(requireProxyableHost('no-such-node.invalid', true)).rejects.toThrow('lookup no-such-node.invalid: no such host');
    await expect(requireProxyableHost('10.0.0.7', false)).resolves.toBeUndefined();
  });
});
