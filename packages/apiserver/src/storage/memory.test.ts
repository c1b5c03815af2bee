import { ApiError, STALE_OBJECT_MESSAGE, type KubeObject } from '@hubspoke/api';
import { describe, expect, it } from 'vitest';
import type { StorageEvent } from './interface.ts';
import { MemoryStorage } from './memory.ts';

function configMap(name: string, data: Record<string, string> = {}, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, uid: `uid-${name}` }, data };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected a rejection');
}

function record(storage: MemoryStorage, key: string): StorageEvent[] {
  const events: StorageEvent[] = [];
  storage.watch(key, { resourceVersion: storage.currentResourceVersion() }, (e) => events.push(e));
  return events;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('MemoryStorage writes', () => {
  it('bumps one cluster-wide resourceVersion on every write', async () => {
    const storage = new MemoryStorage();
    const a = await storage.create('configmaps', configMap('a'));
    const node = await storage.create('nodes', { metadata: { name: 'node-1' } });
    const updated = await storage.update('configmaps', 'default', 'a', (cm) => ({ ...cm, data: { k: 'v' } }));
    const deleted = await storage.delete('nodes', undefined, 'node-1');
    const revisions = [a, node, updated, deleted].map((o) => Number(o.metadata.resourceVersion));
    expect(revisions).toEqual([revisions[0], revisions[0] + 1, revisions[0] + 2, revisions[0] + 3]);
    expect(storage.currentResourceVersion()).toBe(String(revisions[3]));
    expect(a.metadata.uid).toBe('uid-a');
  });

  it('refuses a second create with AlreadyExists naming the group resource', async () => {
    const storage = new MemoryStorage();
    await storage.create('roles.rbac.authorization.k8s.io', { metadata: { name: 'r', namespace: 'ns' } });
    const err = await rejection(storage.create('roles.rbac.authorization.k8s.io', { metadata: { name: 'r', namespace: 'ns' } }));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('AlreadyExists');
    expect(err.message).toBe('roles.rbac.authorization.k8s.io "r" already exists');
  });

  it('returns undefined for a missing object and NotFound when updating or deleting it', async () => {
    const storage = new MemoryStorage();
    expect(await storage.get('pods', 'default', 'nope')).toBeUndefined();
    const update = await rejection(storage.update('pods', 'default', 'nope', (p) => p));
    expect([update.code, update.message]).toEqual([404, 'pods "nope" not found']);
    const del = await rejection(storage.delete('pods', 'default', 'nope'));
    expect(del.code).toBe(404);
  });

  it('rejects an update with a stale resourceVersion', async () => {
    const storage = new MemoryStorage();
    const created = await storage.create('configmaps', configMap('a'));
    await storage.update('configmaps', 'default', 'a', (cm) => ({ ...cm, data: { n: '1' } }));
    const err = await rejection(
      storage.update('configmaps', 'default', 'a', (cm) => cm, created.metadata.resourceVersion),
    );
    expect(err.code).toBe(409);
    expect(err.message).toBe(`Operation cannot be fulfilled on configmaps "a": ${STALE_OBJECT_MESSAGE}`);
  });

  it('keeps the resourceVersion and emits nothing when an update changes nothing', async () => {
    const storage = new MemoryStorage();
    const created = await storage.create('configmaps', configMap('a', { k: 'v' }));
    const events = record(storage, 'configmaps');
    const same = await storage.update('configmaps', 'default', 'a', (cm) => ({ ...cm, metadata: { ...cm.metadata, resourceVersion: '999' } }));
    await tick();
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(storage.currentResourceVersion()).toBe(created.metadata.resourceVersion);
    expect(events).toEqual([]);
  });

  it('hands the update function a private copy', async () => {
    const storage = new MemoryStorage();
    await storage.create('configmaps', configMap('a', { k: 'v' }));
    await rejection(
      storage.update('configmaps', 'default', 'a', (cm) => {
        (cm.data as Record<string, string>).k = 'changed';
        throw new ApiError(400, 'BadRequest', 'abort');
      }),
    );
    expect((await storage.get('configmaps', 'default', 'a'))?.data).toEqual({ k: 'v' });
  });

  it('re-runs the update function when another write lands while it runs', async () => {
    const storage = new MemoryStorage();
    await storage.create('configmaps', configMap('counter', { n: '0' }));
    const increment = (cm: KubeObject) =>
      new Promise<KubeObject>((resolve) =>
        setImmediate(() => resolve({ ...cm, data: { n: String(Number((cm.data as { n: string }).n) + 1) } })),
      );
    await Promise.all(Array.from({ length: 10 }, () => storage.update('configmaps', 'default', 'counter', increment)));
    expect((await storage.get('configmaps', 'default', 'counter'))?.data).toEqual({ n: '10' });
  });

  it('keeps the object under its key whatever the update function returns', async () => {
    const storage = new MemoryStorage();
    await storage.create('configmaps', configMap('a'));
    const updated = await storage.update('configmaps', 'default', 'a', (cm) => ({
      ...cm,
      metadata: { ...cm.metadata, name: 'b', namespace: 'elsewhere' },
    }));
    expect(updated.metadata).toMatchObject({ name: 'a', namespace: 'default' });
  });

  it('checks delete preconditions with the apiserver wording', async () => {
    const storage = new MemoryStorage();
    const created = await storage.create('configmaps', configMap('a'));
    const uid = await rejection(storage.delete('configmaps', 'default', 'a', { uid: 'other' }));
    expect(uid.code).toBe(409);
    expect(uid.message).toBe(
      'Operation cannot be fulfilled on configmaps "a": Precondition failed: UID in precondition: other, UID in object meta: uid-a',
    );
    const rv = await rejection(storage.delete('configmaps', 'default', 'a', { resourceVersion: '1' }));
    expect(rv.message).toBe(
      `Operation cannot be fulfilled on configmaps "a": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${created.metadata.resourceVersion}`,
    );
    const deleted = await storage.delete('configmaps', 'default', 'a', {
      uid: 'uid-a',
      resourceVersion: created.metadata.resourceVersion,
    });
    expect(deleted.metadata.resourceVersion).toBe(storage.currentResourceVersion());
    expect(await storage.get('configmaps', 'default', 'a')).toBeUndefined();
  });
});

describe('MemoryStorage reads', () => {
  it('gives callers copies and SyncReader callers frozen versions', async () => {
    const storage = new MemoryStorage();
    const input = configMap('a', { k: 'v' });
    const created = await storage.create('configmaps', input);
    (input.data as Record<string, string>).k = 'input changed';
    (created.data as Record<string, string>).k = 'result changed';
    const fetched = (await storage.get('configmaps', 'default', 'a'))!;
    expect(fetched.data).toEqual({ k: 'v' });
    const peeked = storage.peek('configmaps', 'default', 'a')!;
    expect(Object.isFrozen(peeked.data)).toBe(true);
    expect(() => {
      (peeked.data as Record<string, string>).k = 'x';
    }).toThrow(TypeError);
    expect(storage.peekList('configmaps', 'default').map((o) => o.metadata.name)).toEqual(['a']);
  });

  it('finds objects through a secondary index', async () => {
    const storage = new MemoryStorage();
    storage.addIndex('pods', 'spec.nodeName', (p) => (p.spec as { nodeName?: string }).nodeName || undefined);
    await storage.create('pods', { metadata: { name: 'a', namespace: 'x' }, spec: { nodeName: 'node-1' } });
    await storage.create('pods', { metadata: { name: 'b', namespace: 'y' }, spec: { nodeName: 'node-2' } });
    await storage.create('pods', { metadata: { name: 'c', namespace: 'y' }, spec: {} });
    await storage.update('pods', 'y', 'c', (p) => ({ ...p, spec: { nodeName: 'node-1' } }));
    expect(storage.listByIndex('pods', 'spec.nodeName', 'node-1').map((p) => p.metadata.name)).toEqual(['a', 'c']);
    expect(storage.listByIndex('pods', 'spec.nodeName', 'node-1', { namespace: 'y' }).map((p) => p.metadata.name)).toEqual(['c']);
  });
});
