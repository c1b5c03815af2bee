import { describe, it, expect } from 'vitest';
import { attributeValues, parseDistinguishedName } from './x509-name.ts';

describe('parseDistinguishedName', () => {
  it('reads one attribute per line, keeping repeated types in order', () => {
    const name = parseDistinguishedName('CN=system:node:n1\nO=system:nodes\nO=extra');
    expect(attributeValues(name, 'CN')).toEqual(['system:node:n1']);
    expect(attributeValues(name, 'O')).toEqual(['system:nodes', 'extra']);
  });

  it('splits multi-valued RDNs on " + "', () => {
    const name = parseDistinguishedName('CN=al\nO=a + O=b');
    expect(attributeValues(name, 'O')).toEqual(['a', 'b']);
  });

  it('undoes RFC 2253 escapes, including hex-escaped UTF-8 bytes', () => {
    const name = parseDistinguishedName('CN=a\\,b\\+c\\\\d\nO=x\\0Ay\nO=\\C3\\BCn\nO=caf\u00e9 \u{1F600}');
    expect(attributeValues(name, 'CN')).toEqual(['a,b+c\\d']);
    expect(attributeValues(name, 'O')).toEqual(['x\ny', 'ün', 'café \u{1F600}']);
  });

  it('keeps "=" inside values', () => {
    expect(parseDistinguishedName('OU=a=b')).toEqual([{ type: 'OU', value: 'a=b' }]);
  });
});
