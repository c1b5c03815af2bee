import { nowMicroTimestamp, nowTimestamp, type KubeObject } from '@hubspoke/api';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory.ts';
import type { Controller } from './context.ts';
import { startNodeLifecycleController } from './node-lifecycle.ts';
import { findCondition } from './objects.ts';
import { eventually, recordingLogger } from './test-support.ts';

const start = Date.parse('2025-01-01T00:00:00Z');

function node(name: string, ready = 'True'): KubeObject {
  const at = nowTimestamp(new Date(start));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, creationTimestamp: at },
    spec: {},
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: at, lastTransitionTime: at },
        { type: 'Ready', status: ready, reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: at, lastTransitionTime: at },
      ],
    },
  };
}

function lease(name: string, renewedAt: number): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'kube-node-lease' },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: nowMicroTimestamp(new Date(renewedAt)) },
  };
}

const conditionsOf = (storage: MemoryStorage, name: string) =>
  (storage.peek('nodes', undefined, name)?.status as { conditions: unknown }).conditions;
const taintsOf = (storage: MemoryStorage, name: string) =>
  ((storage.peek('nodes', undefined, name)?.spec as { taints?: { key: string; effect: string }[] }).taints ?? []).map(
    (t) => `${t.key}:${t.effect}`,
  );

describe('node lifecycle controller', () => {
  let controller: Controller | undefined;
  afterEach(() => controller?.stop());

  async function setup() {
    const storage = new MemoryStorage();
    let clock = start;
    await storage.create('nodes', node('node-1'));
    await storage.create('leases.coordination.k8s.io', lease('node-1', start));
    await storage.create('pods', {
      metadata: { name: 'web', namespace: 'default', uid: 'p' },
      spec: { nodeName: 'node-1' },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    controller = startNodeLifecycleController({
      storage,
      logger: recordingLogger(),
      now: () => new Date(clock),
      nodeMonitorPeriodMs: 5,
    });
    return { storage, advance: (ms: number) => (clock += ms), clock: () => clock };
  }

  it('marks a node Unknown and unreachable once its lease is older than the grace period', async () => {
    const { storage, advance } = await setup();
    advance(30_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(findCondition(conditionsOf(storage, 'node-1'), 'Ready')?.status).toBe('True');
    advance(11_000);
    await eventually(() => findCondition(conditionsOf(storage, 'node-1'), 'Ready')?.status === 'Unknown');
    expect(findCondition(conditionsOf(storage, 'node-1'), 'Ready')).toMatchObject({
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      lastHeartbeatTime: '2025-01-01T00:00:00Z',
      lastTransitionTime: '2025-01-01T00:00:41Z',
    });
    expect(findCondition(conditionsOf(storage, 'node-1'), 'MemoryPressure')?.status).toBe('Unknown');
    expect(findCondition(conditionsOf(storage, 'node-1'), 'DiskPressure')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusNeverUpdated',
      message: 'Kubelet never posted node status.',
    });
    expect(taintsOf(storage, 'node-1')).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/unreachable:NoExecute',
    ]);
    await eventually(() => storage.peekList('events', 'default').length >= 2);
    const pod = storage.peek('pods', 'default', 'web')!;
    expect(findCondition((pod.status as { conditions: unknown }).conditions, 'Ready')?.status).toBe('False');
    expect(storage.peekList('events', 'default').map((e) => `${(e.involvedObject as { kind: string }).kind} ${e.reason}: ${e.message}`).sort()).toEqual([
      'Node NodeNotReady: Node node-1 status is now: NodeNotReady',
      'Pod NodeNotReady: Node is not ready',
    ]);
  });

  it('restores the node when its lease is renewed again', async () => {
    const { storage, advance, clock } = await setup();
    advance(60_000);
    await eventually(() => taintsOf(storage, 'node-1').length === 2);
    await storage.update('leases.coordination.k8s.io', 'kube-node-lease', 'node-1', () => lease('node-1', clock()));
    await eventually(() => findCondition(conditionsOf(storage, 'node-1'), 'Ready')?.status === 'True');
    expect(taintsOf(storage, 'node-1')).toEqual([]);
    expect(findCondition(conditionsOf(storage, 'node-1'), 'Ready')?.reason).toBe('KubeletReady');
  });

  it('taints a node the kubelet reports not Ready, and untaints it when Ready again', async () => {
    const { storage } = await setup();
    const setReady = (status: string) =>
      storage.update('nodes', undefined, 'node-1', (n) => ({
        ...n,
        status: { conditions: [{ type: 'Ready', status, lastHeartbeatTime: nowTimestamp(new Date(start)) }] },
      }));
    await setReady('False');
    await eventually(() => taintsOf(storage, 'node-1').length === 2);
    expect(taintsOf(storage, 'node-1')).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
    await setReady('True');
    await eventually(() => taintsOf(storage, 'node-1').length === 0);
  });

  it('keeps taints it does not manage', async () => {
    const { storage, advance } = await setup();
    await storage.update('nodes', undefined, 'node-1', (n) => ({ ...n, spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } }));
    advance(60_000);
    await eventually(() => taintsOf(storage, 'node-1').length === 3);
    expect(taintsOf(storage, 'node-1')[0]).toBe('dedicated:NoSchedule');
  });
});
