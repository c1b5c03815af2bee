import { describe, expect, it } from 'vitest';
import type { StorageEvent } from '../storage/interface.ts';
import { MemoryStorage } from '../storage/memory.ts';
import { follow } from './follow.ts';
import { eventually, recordingLogger } from './test-support.ts';

describe('follow', () => {
  it('delivers only changes made after it started', async () => {
    const storage = new MemoryStorage();
    await storage.create('pods', { metadata: { name: 'before', namespace: 'x' } });
    const seen: string[] = [];
    const handle = follow({ storage, logger: recordingLogger() }, {
      key: 'pods',
      onEvent: (e) => seen.push(`${e.type} ${e.object.metadata.name}`),
      onResync: () => {},
    });
    await storage.create('pods', { metadata: { name: 'after', namespace: 'x' } });
    await eventually(() => seen.length === 1);
    expect(seen).toEqual(['ADDED after']);
    handle.stop();
  });

  it('re-watches and asks for a resync when the store drops the watch', async () => {
    const storage = new MemoryStorage({ watcherQueueCapacity: 2 });
    const logger = recordingLogger();
    const events: StorageEvent[] = [];
    let resyncs = 0;
    const handle = follow({ storage, logger }, { key: 'pods', onEvent: (e) => events.push(e), onResync: () => resyncs++ });
    // Three writes before the watcher's microtask runs overflow its queue of two.
    await Promise.all([0, 1, 2].map((i) => storage.create('pods', { metadata: { name: `p${i}`, namespace: 'x' } })));
    await eventually(() => resyncs === 1);
    expect(logger.entries.some((e) => e.level === 'warn')).toBe(true);
    await storage.create('pods', { metadata: { name: 'later', namespace: 'x' } });
    await eventually(() => events.some((e) => e.object.metadata.name === 'later'));
    handle.stop();
  });

  it('keeps the watch alive when the handler throws', async () => {
    const storage = new MemoryStorage();
    const logger = recordingLogger();
    let calls = 0;
    const handle = follow({ storage, logger }, {
      key: 'pods',
      onEvent: () => {
        calls++;
        throw new Error('bug');
      },
      onResync: () => {},
    });
    await storage.create('pods', { metadata: { name: 'a', namespace: 'x' } });
    await storage.create('pods', { metadata: { name: 'b', namespace: 'x' } });
    await eventually(() => calls === 2);
    expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(2);
    handle.stop();
  });
});
