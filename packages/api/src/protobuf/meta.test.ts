import { describe, expect, it } from 'vitest';
import type { ObjectMeta } from '../meta.ts';
import { decodeObjectMeta, encodeObjectMeta } from './meta.ts';

describe('ObjectMeta in protobuf', () => {
  const meta: ObjectMeta = {
    name: 'web',
    namespace: 'default',
    uid: '6f1c-2a',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2024-05-06T07:08:09Z',
    deletionTimestamp: '2024-05-06T08:00:00Z',
    deletionGracePeriodSeconds: 30,
    labels: { tier: 'front', app: 'web' },
    annotations: { note: '' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-1', controller: true }],
    finalizers: ['example.com/a', 'example.com/b'],
  };

  it('round-trips every field kubectl and controllers use', () => {
    expect(decodeObjectMeta(encodeObjectMeta(meta))).toEqual(meta);
  });

  it('uses the field numbers of generated.proto', () => {
    const bytes = Buffer.from(encodeObjectMeta({ name: 'a', labels: { b: 'c' } }));
    // 1 name, 2..6 empty strings, 7 generation, 8 empty creationTimestamp, 11 one labels entry
    expect([...bytes]).toEqual([
      0x0a, 1, 0x61, 0x12, 0, 0x1a, 0, 0x22, 0, 0x2a, 0, 0x32, 0, 0x38, 0, 0x42, 0,
      0x5a, 6, 0x0a, 1, 0x62, 0x12, 1, 0x63,
    ]);
  });

  it('writes map entries sorted by key', () => {
    const bytes = Buffer.from(encodeObjectMeta({ annotations: { zeta: '1', alpha: '2' } }));
    expect(bytes.indexOf('alpha')).toBeLessThan(bytes.indexOf('zeta'));
  });

  it('reads fields it does not know past them', () => {
    const bytes = Buffer.from([0x0a, 1, 0x61, 0x9a, 0x01, 2, 0x01, 0x02, 0x1a, 2, 0x6e, 0x73]);
    expect(decodeObjectMeta(bytes)).toEqual({ name: 'a', namespace: 'ns' });
  });

  it('keeps managed fields with their JSON field set', () => {
    const managed: ObjectMeta = {
      name: 'x',
      managedFields: [
        {
          manager: 'kubectl-client-side-apply',
          operation: 'Update',
          apiVersion: 'v1',
          time: '2024-01-01T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': { '.': {} } } },
        },
      ],
    };
    expect(decodeObjectMeta(encodeObjectMeta(managed))).toEqual(managed);
  });
});
