import { ApiError, type KubeObject } from '@hubspoke/api';
import { describe, expect, it } from 'vitest';
import type { StorageEvent } from './interface.ts';
import { MemoryStorage, type WatchClose } from './memory.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function pod(name: string, labels: Record<string, string> = {}, namespace = 'default'): KubeObject {
  return { metadata: { name, namespace, labels }, spec: {} };
}

const summary = (events: StorageEvent[]) =>
  events.map((e) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`);

describe('MemoryStorage watch', () => {
  it('starts with synthetic ADDED events for current objects when no revision is given', async () => {
    for (const resourceVersion of [undefined, '0']) {
      const storage = new MemoryStorage();
      const a = await storage.create('pods', pod('a'));
      await storage.create('pods', pod('b', {}, 'other'));
      const events: StorageEvent[] = [];
      const watch = storage.watch('pods', { namespace: 'default', resourceVersion }, (e) => events.push(e));
      expect(events).toEqual([]);
      await tick();
      const c = await storage.create('pods', pod('c'));
      await tick();
      expect(summary(events)).toEqual([`ADDED a@${a.metadata.resourceVersion}`, `ADDED c@${c.metadata.resourceVersion}`]);
      watch.stop();
    }
  });

  it('replays the changes after a given revision, then follows live ones', async () => {
    const storage = new MemoryStorage();
    await storage.create('pods', pod('a'));
    const from = storage.currentResourceVersion();
    await storage.update('pods', 'default', 'a', (p) => ({ ...p, spec: { n: 1 } }));
    await storage.create('pods', pod('b'));
    await storage.delete('pods', 'default', 'a');
    const events: StorageEvent[] = [];
    storage.watch('pods', { resourceVersion: from }, (e) => events.push(e));
    await storage.create('pods', pod('c'));
    await tick();
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'MODIFIED a',
      'ADDED b',
      'DELETED a',
      'ADDED c',
    ]);
    expect(events[0].previous?.spec).toEqual({});
    const revisions = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
    expect(events[2].object.metadata.resourceVersion).toBe(String(Number(from) + 3));
  });

  it('refuses a revision older than the retained history with 410 Expired', async () => {
    const storage = new MemoryStorage({ historyCapacity: 2 });
    await storage.create('pods', pod('a'));
    const old = storage.currentResourceVersion();
    for (let i = 0; i < 3; i++) await storage.update('pods', 'default', 'a', (p) => ({ ...p, spec: { i } }));
    let caught: unknown;
    try {
      storage.watch('pods', { resourceVersion: old }, () => {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).code).toBe(410);
    expect((caught as ApiError).reason).toBe('Expired');
    expect((caught as ApiError).message).toBe(`too old resource version: ${old} (${Number(old) + 1})`);
    // The newest retained revisions still work.
    expect(() => storage.watch('pods', { resourceVersion: String(Number(old) + 1) }, () => {}).stop()).not.toThrow();
  });

  it('keeps each resource history apart, so busy resources do not expire quiet ones', async () => {
    const storage = new MemoryStorage({ historyCapacity: 2 });
    await storage.create('pods', pod('a'));
    const from = storage.currentResourceVersion();
    for (let i = 0; i < 5; i++) await storage.create('leases.coordination.k8s.io', pod(`l${i}`));
    expect(() => storage.watch('pods', { resourceVersion: from }, () => {}).stop()).not.toThrow();
  });

  it('turns predicate transitions into DELETED and ADDED', async () => {
    const storage = new MemoryStorage();
    await storage.create('pods', pod('a', { app: 'web' }));
    const events: StorageEvent[] = [];
    storage.watch('pods', { predicate: (p) => p.metadata.labels?.app === 'web' }, (e) => events.push(e));
    await storage.update('pods', 'default', 'a', (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'db' } } }));
    await storage.update('pods', 'default', 'a', (p) => ({ ...p, spec: { changed: true } }));
    await storage.update('pods', 'default', 'a', (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'web' } } }));
    await storage.update('pods', 'default', 'a', (p) => ({ ...p, spec: { changed: 2 } }));
    await storage.delete('pods', 'default', 'a');
    await tick();
    const rv = storage.currentResourceVersion();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED', 'MODIFIED', 'DELETED']);
    // The DELETED for a filter transition carries the last matching content at the change's revision.
    expect(events[1].object.metadata.labels).toEqual({ app: 'web' });
    expect(events[1].object.metadata.resourceVersion).toBe(String(Number(rv) - 4));
    expect(events[4].object.metadata.resourceVersion).toBe(rv);
  });

  it('serves indexed watches only the objects with the index value, across moves', async () => {
    const storage = new MemoryStorage();
    storage.addIndex('pods', 'spec.nodeName', (p) => (p.spec as { nodeName?: string }).nodeName);
    await storage.create('pods', { metadata: { name: 'a', namespace: 'x' }, spec: { nodeName: 'node-1' } });
    await storage.create('pods', { metadata: { name: 'b', namespace: 'x' }, spec: { nodeName: 'node-2' } });
    const events: StorageEvent[] = [];
    storage.watchWithClose('pods', { index: { name: 'spec.nodeName', value: 'node-1' } }, (e) => events.push(e), () => {});
    await storage.update('pods', 'x', 'b', (p) => ({ ...p, spec: { nodeName: 'node-1' } }));
    await storage.update('pods', 'x', 'a', (p) => ({ ...p, spec: { nodeName: 'node-3' } }));
    await storage.create('pods', { metadata: { name: 'c', namespace: 'x' }, spec: { nodeName: 'node-2' } });
    await tick();
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'ADDED b', 'DELETED a']);
  });

  it('delivers every event in order to many concurrent watchers', async () => {
    const storage = new MemoryStorage();
    const logs: string[][] = Array.from({ length: 200 }, () => []);
    const watches = logs.map((log) =>
      storage.watch('configmaps', { resourceVersion: storage.currentResourceVersion() }, (e) =>
        log.push(`${e.type}:${e.object.metadata.resourceVersion}`),
      ),
    );
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) writes.push(storage.create('configmaps', pod(`cm-${i}`)));
    await Promise.all(writes);
    for (let i = 0; i < 50; i += 2) await storage.delete('configmaps', 'default', `cm-${i}`);
    await tick();
    const expected = logs[0];
    expect(expected).toHaveLength(75);
    for (const log of logs) expect(log).toEqual(expected);
    expect(expected.map((s) => Number(s.split(':')[1]))).toEqual(
      expected.map((s) => Number(s.split(':')[1])).sort((a, b) => a - b),
    );
    for (const w of watches) w.stop();
  });

  it('never delivers to a stopped watch, and a watch can be stopped twice', async () => {
    const storage = new MemoryStorage();
    const events: StorageEvent[] = [];
    const watch = storage.watch('pods', {}, (e) => events.push(e));
    const created = storage.create('pods', pod('a'));
    watch.stop();
    watch.stop();
    await created;
    await storage.create('pods', pod('b'));
    await tick();
    expect(events).toEqual([]);
  });

  it('closes a watcher whose queue overflows and tells it why', async () => {
    const storage = new MemoryStorage({ watcherQueueCapacity: 3 });
    const events: StorageEvent[] = [];
    const closes: WatchClose[] = [];
    const watch = storage.watchWithClose('pods', {}, (e) => events.push(e), (c) => closes.push(c));
    watch.pause();
    for (let i = 0; i < 5; i++) await storage.create('pods', pod(`p${i}`));
    watch.resume();
    await tick();
    expect(events).toEqual([]);
    expect(closes).toHaveLength(1);
    expect(closes[0].kind).toBe('overflow');
    // The writers were never held up, and other watchers are unaffected.
    expect(storage.count('pods')).toBe(5);
  });

  it('replays a history longer than the queue capacity without closing the watcher', async () => {
    const storage = new MemoryStorage({ historyCapacity: 20, watcherQueueCapacity: 3 });
    const from = storage.currentResourceVersion();
    for (let i = 0; i < 8; i++) await storage.create('pods', pod(`p${i}`));
    const events: StorageEvent[] = [];
    const closes: WatchClose[] = [];
    storage.watchWithClose('pods', { resourceVersion: from }, (e) => events.push(e), (c) => closes.push(c));
    await tick();
    expect(events).toHaveLength(8);
    expect(closes).toEqual([]);
  });

  it('holds events while paused and delivers them on resume', async () => {
    const storage = new MemoryStorage();
    const events: StorageEvent[] = [];
    const watch = storage.watchWithClose('pods', { resourceVersion: storage.currentResourceVersion() }, (e) => events.push(e), () => {});
    watch.pause();
    await storage.create('pods', pod('a'));
    await tick();
    expect(events).toEqual([]);
    watch.resume();
    await tick();
    expect(summary(events)).toHaveLength(1);
  });

  it('closes a watch whose consumer throws, without disturbing the writer', async () => {
    const storage = new MemoryStorage();
    const closes: WatchClose[] = [];
    let calls = 0;
    storage.watchWithClose('pods', {}, () => {
      calls++;
      throw new Error('consumer bug');
    }, (c) => closes.push(c));
    await storage.create('pods', pod('a'));
    await storage.create('pods', pod('b'));
    await tick();
    expect(calls).toBe(1);
    expect(closes.map((c) => c.kind)).toEqual(['error']);
  });

  it('gives each watcher its own copy of an event', async () => {
    const storage = new MemoryStorage();
    const seen: StorageEvent[] = [];
    storage.watch('pods', {}, (e) => {
      e.object.metadata.name = 'mutated';
      seen.push(e);
    });
    storage.watch('pods', {}, (e) => seen.push(e));
    await storage.create('pods', pod('a'));
    await tick();
    expect(seen.map((e) => e.object.metadata.name)).toEqual(['mutated', 'a']);
    expect(storage.peek('pods', 'default', 'a')?.metadata.name).toBe('a');
  });

  it('rejects a malformed revision with 400', () => {
    const storage = new MemoryStorage();
    expect(() => storage.watch('pods', { resourceVersion: 'abc' }, () => {})).toThrow(/invalid resource version/);
  });
});
