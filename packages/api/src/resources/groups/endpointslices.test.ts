import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../meta.ts';
import { endpointslices } from './endpointslices.ts';

const now = new Date('2025-06-01T12:00:00Z');

describe('endpointslices', () => {
  it('default port protocols, require an address type and print ports and endpoints', () => {
    const slice: KubeObject = {
      metadata: { name: 'kubernetes', namespace: 'default', creationTimestamp: '2025-06-01T11:00:00Z' },
      addressType: 'IPv4',
      ports: [{ name: 'https', port: 6443 }],
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }],
    };
    endpointslices.defaults!(slice);
    expect(slice.ports).toEqual([{ name: 'https', port: 6443, protocol: 'TCP' }]);
    expect(endpointslices.validate!(slice)).toEqual([]);
    expect(endpointslices.table!.cells(slice, now)).toEqual(['kubernetes', 'IPv4', '6443', '10.0.0.1,10.0.0.2', '60m']);
    const bad: KubeObject = { metadata: { name: 'x', namespace: 'default' }, addressType: 'IPX' };
    expect(endpointslices.validate!(bad).map((e) => e.message)).toEqual(['Unsupported value: "IPX": supported values: "FQDN", "IPv4", "IPv6"']);
    expect(endpointslices.table!.cells(bad, now).slice(2, 4)).toEqual(['<unset>', '<unset>']);
  });
});
