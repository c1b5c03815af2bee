import { KeyUsageFlags } from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { x509Usages } from './key-usages.ts';

describe('x509Usages', () => {
  it('maps a kubelet client CSR\'s usages to keyUsage bits and the client auth OID', () => {
    expect(x509Usages(['digital signature', 'key encipherment', 'client auth'])).toEqual({
      keyUsage: KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment,
      extKeyUsages: ['1.3.6.1.5.5.7.3.2'],
    });
  });

  it('orders extended usages as Go does and merges synonyms', () => {
    expect(x509Usages(['client auth', 's/mime', 'server auth', 'email protection', 'any']).extKeyUsages).toEqual([
      '2.5.29.37.0',
      '1.3.6.1.5.5.7.3.1',
      '1.3.6.1.5.5.7.3.2',
      '1.3.6.1.5.5.7.3.4',
    ]);
    expect(x509Usages(['signing', 'cert sign', 'crl sign']).keyUsage).toBe(
      KeyUsageFlags.digitalSignature | KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign,
    );
  });

  it('gives no keyUsage bits when only extended usages are asked for', () => {
    expect(x509Usages(['server auth'])).toEqual({ keyUsage: 0, extKeyUsages: ['1.3.6.1.5.5.7.3.1'] });
  });

  it('names unknown usages the way Kubernetes\' signer does', () => {
    expect(() => x509Usages(['client auth', 'toString', 'teleport'])).toThrow('unrecognized usage values: ["toString" "teleport"]');
  });
});
