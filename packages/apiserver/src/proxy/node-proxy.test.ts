import { describe, expect, it } from 'vitest';
import { splitSchemeNamePort } from './node-proxy.ts';

describe('splitSchemeNamePort', () => {
  it('reads name, name:port and scheme:name:port', () => {
    expect(splitSchemeNamePort('node-a')).toEqual({ scheme: '', name: 'node-a', port: '' });
    expect(splitSchemeNamePort('node-a:10255')).toEqual({ scheme: '', name: 'node-a', port: '10255' });
    expect(splitSchemeNamePort('https:node-a:443')).toEqual({ scheme: 'https', name: 'node-a', port: '443' });
    // Out of range is for the dial to refuse, as in Kubernetes.
    expect(splitSchemeNamePort('node-a:99999')).toEqual({ scheme: '', name: 'node-a', port: '99999' });
  });

  it('refuses other schemes, empty names, extra parts and port names', () => {
    expect(['ftp:node-a:21', ':80', 'a:b:c:d', 'node-a:http', 'node-a:+80'].map(splitSchemeNamePort)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
