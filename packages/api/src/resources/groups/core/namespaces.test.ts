import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../meta.ts';
import { namespaces } from './namespaces.ts';

describe('namespaces', () => {
  it('gets the kubernetes finalizer, its name label and the Active phase', () => {
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab', labels: { team: 'a' } } };
    namespaces.defaults!(ns);
    expect(ns).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'lab', labels: { team: 'a', 'kubernetes.io/metadata.name': 'lab' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    expect(namespaces.validate!(ns)).toEqual([]);
  });

  it('requires a DNS label name, so no dots', () => {
    const ns: KubeObject = { metadata: { name: 'team.a' } };
    namespaces.defaults!(ns);
    expect(namespaces.validate!(ns).map((e) => e.message)).toEqual(['Invalid value: "team.a": must not contain dots']);
  });

  it('prints status and age and selects on status.phase', () => {
    const ns: KubeObject = { metadata: { name: 'lab', creationTimestamp: '2025-06-01T11:59:30Z' }, status: { phase: 'Terminating' } };
    expect(namespaces.table!.cells(ns, new Date('2025-06-01T12:00:00Z'))).toEqual(['lab', 'Terminating', '30s']);
    expect(namespaces.fields!(ns)).toEqual({ 'status.phase': 'Terminating', name: 'lab' });
  });
});
