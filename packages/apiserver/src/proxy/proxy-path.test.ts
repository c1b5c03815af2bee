import { describe, expect, it } from 'vitest';
import { requestPath } from '../request/request-info.ts';
import { backendUrl, proxyPath } from './proxy-path.ts';

describe('proxyPath', () => {
  it('keeps the escaped path after /proxy and the prefix before it', () => {
    expect(proxyPath('/api/v1/nodes/n/proxy/stats/a%2Fb?x=1')).toEqual({ prefix: '/api/v1/nodes/n/proxy', rest: '/stats/a%2Fb' });
    expect(proxyPath('/api/v1/nodes/n/proxy?x=1')).toEqual({ prefix: '/api/v1/nodes/n/proxy', rest: '' });
    expect(proxyPath('/api/v1/namespaces/d/pods/https:web:8443/proxy//x')).toEqual({ prefix: '/api/v1/namespaces/d/pods/https:web:8443/proxy', rest: '//x' });
  });

  it('takes only the path of an absolute-form target, so redirects never lead to the host the client named', () => {
    expect(proxyPath('https://evil.example:9/api/v1/namespaces/d/pods/web/proxy?q=1')).toEqual({ prefix: '/api/v1/namespaces/d/pods/web/proxy', rest: '' });
    expect(requestPath('http://evil.example/api/v1/nodes/n/proxy/a#frag')).toBe('/api/v1/nodes/n/proxy/a');
  });
});

describe('backendUrl', () => {
  it('resolves dot segments, escaped or not, against the backend root and never changes the authority', () => {
    const url = (raw: string) => backendUrl('http://10.0.0.5:8080', raw).href;
    expect(url('/api/v1/namespaces/d/pods/web/proxy/../../../secrets')).toBe('http://10.0.0.5:8080/secrets');
    expect(url('/api/v1/namespaces/d/pods/web/proxy/%2e%2e/%2E%2E/secrets?a=b')).toBe('http://10.0.0.5:8080/secrets?a=b');
    expect(url('/api/v1/namespaces/d/pods/web/proxy/%2e%2e%2fsecrets')).toBe('http://10.0.0.5:8080/%2e%2e%2fsecrets');
    expect(url('/api/v1/namespaces/d/pods/web/proxy//evil.example/x')).toBe('http://10.0.0.5:8080//evil.example/x');
    expect(url('/api/v1/namespaces/d/pods/web/proxy/\\evil.example/x')).toBe('http://10.0.0.5:8080//evil.example/x');
    expect(url('/api/v1/namespaces/d/pods/web/proxy/@evil.example:1/x')).toBe('http://10.0.0.5:8080/@evil.example:1/x');
    expect(url('/api/v1/namespaces/d/pods/web/proxy')).toBe('http://10.0.0.5:8080/');
  });
});
