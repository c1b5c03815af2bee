import { describe, expect, it } from 'vitest';
import { computePodStatus, podPhase } from './pod-status.ts';
import type { ContainerState, ContainerStatus } from './pod-status.ts';

function container(name: string, state: ContainerState, lastState: ContainerState = {}): ContainerStatus {
  return { name, state, lastState, ready: Boolean(state.running), started: Boolean(state.running), restartCount: 0, image: 'x', imageID: '' };
}
const running = { running: { startedAt: '2025-01-01T00:00:00Z' } };
const waiting = { waiting: { reason: 'ContainerCreating' } };
const exited = (exitCode: number) => ({
  terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:00:01Z' },
});

describe('podPhase', () => {
  it('is Pending while a container has never run', () => {
    expect(podPhase('Always', [container('a', running), container('b', waiting)])).toBe('Pending');
  });

  it('is Running while a container runs, or waits to restart after a run', () => {
    expect(podPhase('Always', [container('a', running)])).toBe('Running');
    expect(podPhase('Always', [container('a', { waiting: { reason: 'CrashLoopBackOff' } }, exited(1))])).toBe('Running');
  });

  it('follows the restart policy once every container stopped', () => {
    expect(podPhase('Never', [container('a', exited(0))])).toBe('Succeeded');
    expect(podPhase('Never', [container('a', exited(0)), container('b', exited(2))])).toBe('Failed');
    expect(podPhase('OnFailure', [container('a', exited(0))])).toBe('Succeeded');
    expect(podPhase('OnFailure', [container('a', exited(1))])).toBe('Running');
    expect(podPhase('Always', [container('a', exited(0))])).toBe('Running');
  });

  it('is terminal for a pod being torn down: Failed unless every container succeeded', () => {
    expect(podPhase('Always', [container('a', exited(143))], true)).toBe('Failed');
    expect(podPhase('Always', [container('a', exited(0))], true)).toBe('Succeeded');
    expect(podPhase('Always', [container('a', waiting)], true)).toBe('Failed');
  });
});

describe('computePodStatus', () => {
  const base = { restartPolicy: 'Always' as const, hostIP: '10.0.0.5', podIP: '127.244.1.2', startTime: '2025-01-01T00:00:00Z' };

  it('reports IPs, start time and Ready conditions for running containers', () => {
    const status = computePodStatus({ ...base, containers: [container('c', running)], now: new Date('2025-01-01T00:00:05Z') });
    expect(status).toMatchObject({
      phase: 'Running',
      hostIP: '10.0.0.5',
      hostIPs: [{ ip: '10.0.0.5' }],
      podIP: '127.244.1.2',
      podIPs: [{ ip: '127.244.1.2' }],
      startTime: '2025-01-01T00:00:00Z',
    });
    expect(status.conditions.map((c) => [c.type, c.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    expect(status.conditions.every((c) => c.lastTransitionTime === '2025-01-01T00:00:05Z' && c.lastProbeTime === null)).toBe(true);
  });

  it('names unready containers and keeps transition times of unchanged conditions', () => {
    const first = computePodStatus({ ...base, containers: [container('a', waiting), container('b', waiting)], now: new Date('2025-01-01T00:00:01Z') });
    expect(first.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [a b]',
    });
    const second = computePodStatus({
      ...base,
      containers: [container('a', running), container('b', running)],
      previous: first,
      now: new Date('2025-01-01T00:00:09Z'),
    });
    const byType = Object.fromEntries(second.conditions.map((c) => [c.type, c.lastTransitionTime]));
    expect(byType.Ready).toBe('2025-01-01T00:00:09Z');
    expect(byType.Initialized).toBe('2025-01-01T00:00:01Z');
  });

  it('marks a completed pod not ready with PodCompleted', () => {
    const status = computePodStatus({ ...base, restartPolicy: 'Never', containers: [container('c', exited(0))] });
    expect(status.phase).toBe('Succeeded');
    expect(status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });
});
