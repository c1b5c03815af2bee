import { describe, expect, it } from 'vitest';
import { formatHostPort, parseHostPort } from './host-port.ts';

describe('parseHostPort', () => {
  it('reads IPv4 and bracketed IPv6 IP:port', () => {
    expect(parseHostPort('127.0.0.1:10249', 'MetricsBindAddress')).toEqual({ host: '127.0.0.1', port: 10249 });
    expect(parseHostPort('[::]:10256', 'HealthzBindAddress')).toEqual({ host: '::', port: 10256 });
  });

  it('puts a bare :port on the default host, and treats empty as "not served"', () => {
    expect(parseHostPort(':10256', 'HealthzBindAddress', '127.0.0.5')).toEqual({ host: '127.0.0.5', port: 10256 });
    expect(parseHostPort('', 'HealthzBindAddress')).toBeUndefined();
  });

  it('rejects what is not IP:port with Kubernetes\' wording', () => {
    for (const bad of ['localhost:80', '127.0.0.1', '127.0.0.1:99999', '::1:80', '[127.0.0.1]:80']) {
      expect(() => parseHostPort(bad, 'HealthzBindAddress')).toThrow(`KubeProxyConfiguration.HealthzBindAddress: Invalid value: "${bad}": must be IP:port`);
    }
  });

  it('formats IPv6 in brackets', () => {
    expect(formatHostPort({ host: '::1', port: 80 })).toBe('[::1]:80');
    expect(formatHostPort({ host: '10.0.0.1', port: 80 })).toBe('10.0.0.1:80');
  });
});
