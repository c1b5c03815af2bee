import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../meta.ts';
import { nodePrinter, nodes } from './nodes.ts';

const now = new Date('2025-06-03T12:00:00Z');

function node(extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', creationTimestamp: '2025-06-01T09:00:00Z', labels: { 'kubernetes.io/hostname': 'node-1' } },
    status: {
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'node-1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0-hubspoke', osImage: 'hubspoke', kernelVersion: '6.8.0', containerRuntimeVersion: 'hubspoke://0.1.0' },
    },
    ...extra,
  };
}

describe('node printer', () => {
  it('prints a ready node as kubectl get nodes -o wide does', () => {
    expect(nodePrinter.cells(node(), now)).toEqual([
      'node-1', 'Ready', '<none>', '2d3h', 'v1.32.0-hubspoke', '10.0.0.5', '<none>', 'hubspoke', '6.8.0', 'hubspoke://0.1.0',
    ]);
    expect(nodePrinter.columns.filter((c) => c.priority === 1).map((c) => c.name)).toEqual([
      'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime',
    ]);
  });

  it('shows NotReady, Unknown without a Ready condition, and SchedulingDisabled when cordoned', () => {
    const notReady = node();
    (notReady.status as { conditions: unknown[] }).conditions = [{ type: 'Ready', status: 'Unknown' }];
    expect(nodePrinter.cells(notReady, now)[1]).toBe('NotReady');
    const fresh = node({ status: {} });
    expect(nodePrinter.cells(fresh, now)[1]).toBe('Unknown');
    expect(nodePrinter.cells(fresh, now).slice(7)).toEqual(['<unknown>', '<unknown>', '<unknown>']);
    const cordoned = node({ spec: { unschedulable: true } });
    expect(nodePrinter.cells(cordoned, now)[1]).toBe('Ready,SchedulingDisabled');
  });

  it('reads roles from node-role labels, sorted', () => {
    const n = node();
    n.metadata.labels = { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'edge' };
    expect(nodePrinter.cells(n, now)[2]).toBe('control-plane,edge,worker');
  });

  it('offers spec.unschedulable to field selectors', () => {
    expect(nodes.fields!(node({ spec: { unschedulable: true } }))).toEqual({ 'spec.unschedulable': 'true' });
    expect(nodes.fields!(node())).toEqual({ 'spec.unschedulable': 'false' });
  });
});
