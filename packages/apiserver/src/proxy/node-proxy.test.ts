import { describe, expect, it } from 'vitest';
import { proxyPath, splitSchemeNamePort } from './node-proxy.ts';

describe('splitSchemeNamePort', () => {
  it('reads name, name:port and scheme:name:port', () => {
    expect(splitSchemeNamePort('node-a')).toEqual({ scheme: '', name: 'node-a', port: '' });
    expect(splitSchemeNamePort('node-a:10255')).toEqual({ scheme: '', name: 'node-a', port: '10255' });
    expect(splitSchemeNamePort('https:node-a:443')).toEqual({ scheme: 'https', name: 'node-a', port: '443' });
  });

  it('refuses other schemes, empty names and extra parts', () => {
    expect(['ftp:node-a:21', ':80', 'a:b:c:d', 'node-a:http'].map(splitSchemeNamePort)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('proxyPath', () => {
  it('keeps the escaped path after /proxy and the prefix before it', () => {
    expect(proxyPath('/api/v1/nodes/n/proxy/stats/a%2Fb?x=1')).toEqual({ prefix: '/api/v1/nodes/n/proxy', rest: '/stats/a%2Fb' });
    expect(proxyPath('/api/v1/nodes/n/proxy?x=1')).toEqual({ prefix: '/api/v1/nodes/n/proxy', rest: '' });
  });
});
