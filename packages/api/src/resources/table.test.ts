import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../meta.ts';
import { defaultCatalog } from './catalog.ts';
import { toTable } from './table.ts';

const catalog = defaultCatalog();
const pods = catalog.lookup('', 'v1', 'pods')!;
const roles = catalog.lookup('rbac.authorization.k8s.io', 'v1', 'roles')!;
const now = new Date('2025-06-01T12:00:00Z');

const pod: KubeObject = {
  metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' }, creationTimestamp: '2025-06-01T11:59:00Z' },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
  status: { phase: 'Pending' },
};

describe('toTable', () => {
  it('builds a meta.k8s.io/v1 Table with PartialObjectMetadata rows by default', () => {
    const table = toTable(pods, [pod], { now, listMeta: { resourceVersion: '42' } });
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: '42' });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(pods.table!.columns.map((c) => c.name));
    expect(table.rows).toEqual([
      {
        cells: ['web', '0/1', 'Pending', '0', '60s', '<none>', '<none>', '<none>', '<none>'],
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata },
      },
    ]);
  });

  it('embeds the full object, with its type, for includeObject=Object and nothing for None', () => {
    const full = toTable(pods, [pod], { now, includeObject: 'Object' });
    expect(full.rows[0].object).toEqual({ ...pod, apiVersion: 'v1', kind: 'Pod' });
    expect(toTable(pods, [pod], { now, includeObject: 'None' }).rows[0].object).toBeNull();
  });

  it('omits column definitions when asked for no headers', () => {
    expect(toTable(pods, [pod], { now, noHeaders: true }).columnDefinitions).toEqual([]);
  });

  it('prints kinds without a printer as Name and Created At, as Kubernetes prints roles', () => {
    const role: KubeObject = { metadata: { name: 'pod-reader', namespace: 'default', creationTimestamp: '2025-05-01T08:00:00Z' } };
    const table = toTable(roles, [role], { now });
    expect(table.columnDefinitions.map((c) => [c.name, c.type, c.format])).toEqual([
      ['Name', 'string', 'name'],
      ['Created At', 'date', ''],
    ]);
    expect(table.columnDefinitions[0].description).toMatch(/^Name must be unique within a namespace\./);
    expect(table.rows[0].cells).toEqual(['pod-reader', '2025-05-01T08:00:00Z']);
  });

  it('marks finished pods with a Completed row condition', () => {
    const done: KubeObject = { ...pod, status: { phase: 'Failed' } };
    expect(toTable(pods, [done], { now }).rows[0].conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
    ]);
  });
});
