import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../meta.ts';
import { leases } from './coordination.ts';

const now = new Date('2025-06-01T12:00:00Z');

describe('leases', () => {
  it('print the holder and accept a kubelet heartbeat lease', () => {
    const lease: KubeObject = {
      metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: '2025-06-01T11:00:00Z' },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2025-06-01T11:59:55.000000Z' },
    };
    expect(leases.table!.cells(lease, now)).toEqual(['node-1', 'node-1', '60m']);
    expect(leases.validate!(lease)).toEqual([]);
  });
});
