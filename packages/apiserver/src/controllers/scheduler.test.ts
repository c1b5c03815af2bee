import type { KubeObject } from '@hubspoke/api';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory.ts';
import type { Controller } from './context.ts';
import { findCondition } from './objects.ts';
import { startScheduler } from './scheduler.ts';
import { eventually, recordingLogger } from './test-support.ts';

function node(name: string, spec: object = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}` },
    spec,
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function pod(name: string, spec: object = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
    status: { phase: 'Pending' },
  };
}

const nodeOf = (storage: MemoryStorage, name: string) =>
  (storage.peek('pods', 'default', name)?.spec as { nodeName?: string } | undefined)?.nodeName;
const scheduled = (storage: MemoryStorage, name: string) =>
  findCondition((storage.peek('pods', 'default', name)?.status as { conditions?: unknown })?.conditions, 'PodScheduled');
const events = (storage: MemoryStorage) =>
  storage.peekList('events', 'default').map((e) => `${e.reason}: ${e.message}`);

describe('scheduler', () => {
  let controller: Controller | undefined;
  afterEach(() => controller?.stop());

  it('binds pending pods to the least-loaded Ready node and records Scheduled', async () => {
    const storage = new MemoryStorage();
    await storage.create('nodes', node('node-1'));
    await storage.create('nodes', node('node-2'));
    await storage.create('pods', pod('existing', { nodeName: 'node-1' }));
    controller = startScheduler({ storage, logger: recordingLogger(), now: () => new Date('2025-01-01T00:00:00Z') });
    await storage.create('pods', pod('web'));
    await eventually(() => nodeOf(storage, 'web'));
    expect(nodeOf(storage, 'web')).toBe('node-2');
    expect(scheduled(storage, 'web')).toMatchObject({ status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' });
    await eventually(() => events(storage).length === 1);
    expect(events(storage)).toEqual(['Scheduled: Successfully assigned default/web to node-2']);
    const event = storage.peekList('events', 'default')[0];
    expect(event).toMatchObject({
      type: 'Normal',
      source: { component: 'default-scheduler' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'uid-web' },
    });
  });

  it('spreads pods evenly over equal nodes', async () => {
    const storage = new MemoryStorage();
    for (const name of ['node-a', 'node-b', 'node-c']) await storage.create('nodes', node(name));
    controller = startScheduler({ storage, logger: recordingLogger() });
    for (let i = 0; i < 9; i++) await storage.create('pods', pod(`p${i}`));
    await eventually(() => storage.peekList('pods').every((p) => (p.spec as { nodeName?: string }).nodeName));
    const counts: Record<string, number> = {};
    for (const p of storage.peekList('pods')) {
      const n = (p.spec as { nodeName: string }).nodeName;
      counts[n] = (counts[n] ?? 0) + 1;
    }
    expect(counts).toEqual({ 'node-a': 3, 'node-b': 3, 'node-c': 3 });
  });

  it('marks a pod Unschedulable when there are no nodes and binds it once a node appears', async () => {
    const storage = new MemoryStorage();
    controller = startScheduler({ storage, logger: recordingLogger() });
    await storage.create('pods', pod('waiting'));
    await eventually(() => scheduled(storage, 'waiting'));
    expect(scheduled(storage, 'waiting')).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message: 'no nodes available to schedule pods',
    });
    await eventually(() => events(storage).length === 1);
    expect(events(storage)).toEqual(['FailedScheduling: no nodes available to schedule pods']);
    await storage.create('nodes', node('node-1'));
    await eventually(() => nodeOf(storage, 'waiting') === 'node-1');
    expect(scheduled(storage, 'waiting')).toEqual(expect.objectContaining({ type: 'PodScheduled', status: 'True' }));
    expect(scheduled(storage, 'waiting')?.reason).toBeUndefined();
  });

  it('explains untolerated taints and schedules once the taint is tolerated elsewhere', async () => {
    const storage = new MemoryStorage();
    const taints = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }];
    await storage.create('nodes', node('node-1', { taints }));
    await storage.create('nodes', node('node-2', { taints }));
    controller = startScheduler({ storage, logger: recordingLogger() });
    await storage.create('pods', pod('web'));
    await eventually(() => scheduled(storage, 'web'));
    expect(scheduled(storage, 'web')?.message).toBe(
      '0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. ' +
        'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    await storage.update('nodes', undefined, 'node-2', (n) => ({ ...n, spec: {} }));
    await eventually(() => nodeOf(storage, 'web') === 'node-2');
  });

  it('leaves pods of other schedulers and deleted nodes alone', async () => {
    const storage = new MemoryStorage();
    await storage.create('nodes', { ...node('going'), metadata: { name: 'going', deletionTimestamp: '2025-01-01T00:00:00Z' } });
    controller = startScheduler({ storage, logger: recordingLogger() });
    await storage.create('pods', pod('custom', { schedulerName: 'my-scheduler' }));
    await storage.create('pods', pod('default'));
    await eventually(() => scheduled(storage, 'default'));
    expect(scheduled(storage, 'default')?.message).toBe('no nodes available to schedule pods');
    expect(storage.peek('pods', 'default', 'custom')?.status).toEqual({ phase: 'Pending' });
  });
});
