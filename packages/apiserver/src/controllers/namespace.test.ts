import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory.ts';
import type { Controller } from './context.ts';
import { startNamespaceController } from './namespace.ts';
import { findCondition } from './objects.ts';
import { eventually, recordingLogger } from './test-support.ts';

async function seedNamespace(storage: MemoryStorage, name: string) {
  await storage.create('namespaces', { metadata: { name, uid: `uid-${name}` }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  await storage.create('pods', { metadata: { name: 'web', namespace: name, uid: 'p1' } });
  await storage.create('configmaps', { metadata: { name: 'cfg', namespace: name, uid: 'c1' } });
  await storage.create('roles.rbac.authorization.k8s.io', { metadata: { name: 'r', namespace: name, uid: 'r1' } });
}

function terminate(storage: MemoryStorage, name: string) {
  return storage.update('namespaces', undefined, name, (ns) => ({
    ...ns,
    metadata: { ...ns.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' },
    status: { phase: 'Terminating' },
  }));
}

describe('namespace controller', () => {
  let controller: Controller | undefined;
  afterEach(() => controller?.stop());

  it('empties a terminating namespace, then removes its finalizer and the namespace itself', async () => {
    const storage = new MemoryStorage();
    await seedNamespace(storage, 'doomed');
    await seedNamespace(storage, 'kept');
    controller = startNamespaceController({ storage, logger: recordingLogger() });
    await terminate(storage, 'doomed');
    await eventually(() => !storage.peek('namespaces', undefined, 'doomed'));
    for (const key of ['pods', 'configmaps', 'roles.rbac.authorization.k8s.io']) {
      expect(storage.peekList(key, 'doomed')).toEqual([]);
      expect(storage.peekList(key, 'kept')).toHaveLength(1);
    }
    expect(storage.peek('namespaces', undefined, 'kept')).toBeTruthy();
  });

  it('waits for content with finalizers and says so in the namespace conditions', async () => {
    const storage = new MemoryStorage();
    await seedNamespace(storage, 'doomed');
    await storage.create('secrets', { metadata: { name: 's', namespace: 'doomed', uid: 's1', finalizers: ['example.com/hold'] } });
    controller = startNamespaceController({ storage, logger: recordingLogger(), recheckMs: 10 });
    await terminate(storage, 'doomed');
    const ns = await eventually(() => {
      const current = storage.peek('namespaces', undefined, 'doomed');
      const conditions = (current?.status as { conditions?: unknown })?.conditions;
      return findCondition(conditions, 'NamespaceFinalizersRemaining')?.status === 'True' ? current : undefined;
    });
    const conditions = (ns.status as { conditions: unknown }).conditions;
    expect(findCondition(conditions, 'NamespaceContentRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: secrets. has 1 resource instances',
    });
    expect(findCondition(conditions, 'NamespaceFinalizersRemaining')?.message).toBe(
      'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    );
    expect(storage.peek('secrets', 'doomed', 's')?.metadata.deletionTimestamp).toBeTruthy();
    expect(storage.peekList('pods', 'doomed')).toEqual([]);
    // Whoever owns the finalizer finishes; the namespace follows.
    await storage.update('secrets', 'doomed', 's', (s) => ({ ...s, metadata: { ...s.metadata, finalizers: [] } }));
    await eventually(() => !storage.peek('namespaces', undefined, 'doomed'));
  });

  it('keeps a namespace that still has other finalizers, without the kubernetes one', async () => {
    const storage = new MemoryStorage();
    await storage.create('namespaces', { metadata: { name: 'held', uid: 'h' }, spec: { finalizers: ['kubernetes', 'example.com/other'] } });
    controller = startNamespaceController({ storage, logger: recordingLogger() });
    await terminate(storage, 'held');
    await eventually(() => {
      const spec = storage.peek('namespaces', undefined, 'held')?.spec as { finalizers: string[] };
      return spec.finalizers.length === 1;
    });
    expect((storage.peek('namespaces', undefined, 'held')?.spec as { finalizers: string[] }).finalizers).toEqual(['example.com/other']);
  });
});
