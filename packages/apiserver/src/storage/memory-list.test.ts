import { ApiError, type KubeObject } from '@hubspoke/api';
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from './memory.ts';

async function seed(storage: MemoryStorage, namespaces: string[], perNamespace: number): Promise<void> {
  for (const namespace of namespaces) {
    for (let i = perNamespace; i >= 1; i--) {
      await storage.create('pods', {
        metadata: { name: `pod-${i}`, namespace, labels: { tier: i % 2 ? 'odd' : 'even' } },
      });
    }
  }
}

const keys = (items: KubeObject[]) => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

describe('MemoryStorage list', () => {
  it('lists one namespace or all, in key order, at the current revision', async () => {
    const storage = new MemoryStorage();
    await seed(storage, ['b', 'a'], 3);
    const all = await storage.list('pods');
    expect(keys(all.items)).toEqual(['a/pod-1', 'a/pod-2', 'a/pod-3', 'b/pod-1', 'b/pod-2', 'b/pod-3']);
    expect(all.resourceVersion).toBe(storage.currentResourceVersion());
    expect(all.continue).toBeUndefined();
    expect(keys((await storage.list('pods', { namespace: 'b' })).items)).toEqual(['b/pod-1', 'b/pod-2', 'b/pod-3']);
    expect((await storage.list('pods', { namespace: 'none' })).items).toEqual([]);
  });

  it('applies the predicate', async () => {
    const storage = new MemoryStorage();
    await seed(storage, ['a'], 4);
    const odd = await storage.list('pods', { predicate: (p) => p.metadata.labels?.tier === 'odd' });
    expect(keys(odd.items)).toEqual(['a/pod-1', 'a/pod-3']);
  });

  it('pages with limit and continue, counting the remaining items', async () => {
    const storage = new MemoryStorage();
    await seed(storage, ['a', 'b'], 3);
    const first = await storage.list('pods', { limit: 4 });
    expect(keys(first.items)).toEqual(['a/pod-1', 'a/pod-2', 'a/pod-3', 'b/pod-1']);
    expect(first.remainingItemCount).toBe(2);
    expect(first.continue).toBeTruthy();
    const second = await storage.list('pods', { limit: 4, continue: first.continue });
    expect(keys(second.items)).toEqual(['b/pod-2', 'b/pod-3']);
    expect(second.continue).toBeUndefined();
    expect(second.resourceVersion).toBe(first.resourceVersion);
  });

  it('serves a continuation from current state, including objects created after the first page', async () => {
    const storage = new MemoryStorage();
    await seed(storage, ['a'], 2);
    const first = await storage.list('pods', { namespace: 'a', limit: 1 });
    await storage.create('pods', { metadata: { name: 'pod-9', namespace: 'a' } });
    const rest = await storage.list('pods', { namespace: 'a', limit: 10, continue: first.continue });
    expect(keys(rest.items)).toEqual(['a/pod-2', 'a/pod-9']);
  });

  it('omits remainingItemCount when a predicate filters the page', async () => {
    const storage = new MemoryStorage();
    await seed(storage, ['a'], 6);
    const page = await storage.list('pods', { limit: 1, predicate: (p) => p.metadata.labels?.tier === 'even' });
    expect(keys(page.items)).toEqual(['a/pod-2']);
    expect(page.continue).toBeTruthy();
    expect(page.remainingItemCount).toBeUndefined();
    const next = await storage.list('pods', { limit: 5, continue: page.continue, predicate: (p) => p.metadata.labels?.tier === 'even' });
    expect(keys(next.items)).toEqual(['a/pod-4', 'a/pod-6']);
  });

  it('answers 410 for a continue token older than the retained history', async () => {
    const storage = new MemoryStorage({ historyCapacity: 3 });
    await seed(storage, ['a'], 3);
    const first = await storage.list('pods', { limit: 1 });
    for (let i = 0; i < 4; i++) await storage.update('pods', 'a', 'pod-3', (p) => ({ ...p, data: i }));
    let caught: unknown;
    try {
      await storage.list('pods', { limit: 1, continue: first.continue });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).code).toBe(410);
    expect((caught as ApiError).reason).toBe('Expired');
    expect((caught as ApiError).message).toMatch(/^The provided continue parameter is too old to display a consistent list result\./);
  });

  it('offers the same pages without copies through listFrozen', async () => {
    const storage = new MemoryStorage();
    await seed(storage, ['a'], 3);
    const frozen = storage.listFrozen('pods', { limit: 2 });
    const copied = await storage.list('pods', { limit: 2 });
    expect(frozen.items).toEqual(copied.items);
    expect(frozen.continue).toBe(copied.continue);
    expect(Object.isFrozen(frozen.items[0].metadata)).toBe(true);
    expect(frozen.items[0]).toBe(storage.peek('pods', 'a', 'pod-1'));
    expect(Object.isFrozen(copied.items[0].metadata)).toBe(false);
  });
});
