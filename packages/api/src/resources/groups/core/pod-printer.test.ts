import { describe, expect, it } from 'vitest';
import type { Pod } from './pod-types.ts';
import { podPrinter, summarizePod } from './pod-printer.ts';

const now = new Date('2025-06-01T12:00:00Z');
const created = '2025-06-01T11:55:00Z';

function runningPod(): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', creationTimestamp: created },
    spec: { nodeName: 'node-1', containers: [{ name: 'nginx', image: 'nginx' }] },
    status: {
      phase: 'Running',
      podIP: '127.244.1.5',
      podIPs: [{ ip: '127.244.1.5' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'nginx', ready: true, restartCount: 0, state: { running: { startedAt: '2025-06-01T11:55:03Z' } } },
      ],
    },
  };
}

function cells(pod: Pod): unknown[] {
  return podPrinter.cells(pod, now);
}

describe('pod printer', () => {
  it('has Kubernetes\' columns, the last four only with -o wide', () => {
    expect(podPrinter.columns.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1',
    ]);
    expect(podPrinter.columns[0].format).toBe('name');
  });

  it('shows a running pod as 1/1 Running with its IP and node', () => {
    expect(cells(runningPod())).toEqual(['web', '1/1', 'Running', '0', '5m', '127.244.1.5', 'node-1', '<none>', '<none>']);
  });

  it('shows a pod being deleted as Terminating', () => {
    const pod = runningPod();
    pod.metadata.deletionTimestamp = '2025-06-01T11:59:50Z';
    expect(summarizePod(pod, now).status).toBe('Terminating');
  });

  it('keeps a finished pod\'s status while it is deleted, and marks the row Completed', () => {
    const pod = runningPod();
    pod.metadata.deletionTimestamp = '2025-06-01T11:59:50Z';
    pod.status!.phase = 'Succeeded';
    pod.status!.containerStatuses = [{ name: 'nginx', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }];
    expect(summarizePod(pod, now)).toEqual({ ready: '0/1', status: 'Completed', restarts: '0' });
    expect(podPrinter.conditions!(pod)).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
  });

  it('shows Unknown for a deleted pod on a lost node', () => {
    const pod = runningPod();
    pod.metadata.deletionTimestamp = '2025-06-01T11:59:50Z';
    pod.status!.reason = 'NodeLost';
    expect(summarizePod(pod, now).status).toBe('Unknown');
  });

  it('shows a waiting reason such as ContainerCreating or ErrImagePull', () => {
    const pod = runningPod();
    pod.status = { phase: 'Pending', containerStatuses: [{ name: 'nginx', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] };
    expect(summarizePod(pod, now)).toEqual({ ready: '0/1', status: 'ContainerCreating', restarts: '0' });
    pod.status.containerStatuses![0].state = { waiting: { reason: 'ErrImagePull' } };
    expect(summarizePod(pod, now).status).toBe('ErrImagePull');
  });

  it('shows CrashLoopBackOff with restarts and how long ago the last one was', () => {
    const pod = runningPod();
    pod.status!.containerStatuses = [
      {
        name: 'nginx',
        ready: false,
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2025-06-01T11:59:48Z' } },
      },
    ];
    expect(summarizePod(pod, now)).toEqual({ ready: '0/1', status: 'CrashLoopBackOff', restarts: '3 (12s ago)' });
  });

  it('shows an exit code when a container terminated without a reason', () => {
    const pod = runningPod();
    pod.status!.containerStatuses = [{ name: 'nginx', state: { terminated: { exitCode: 2 } } }];
    expect(summarizePod(pod, now).status).toBe('ExitCode:2');
  });

  it('shows init container progress until initialization is done', () => {
    const pod = runningPod();
    pod.spec!.initContainers = [{ name: 'setup', image: 'busybox' }, { name: 'migrate', image: 'busybox' }];
    pod.status = {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'setup', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'migrate', state: { running: {} } },
      ],
      containerStatuses: [{ name: 'nginx', state: { waiting: { reason: 'PodInitializing' } } }],
    };
    expect(summarizePod(pod, now).status).toBe('Init:1/2');
    pod.status.initContainerStatuses![1].state = { waiting: { reason: 'ImagePullBackOff' } };
    expect(summarizePod(pod, now).status).toBe('Init:ImagePullBackOff');
    pod.status.initContainerStatuses![1].state = { terminated: { exitCode: 1, reason: 'Error' } };
    expect(summarizePod(pod, now).status).toBe('Init:Error');
  });

  it('counts a started sidecar among the ready containers', () => {
    const pod = runningPod();
    pod.spec!.initContainers = [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }];
    pod.status!.initContainerStatuses = [{ name: 'proxy', started: true, ready: true, state: { running: {} } }];
    expect(summarizePod(pod, now)).toEqual({ ready: '2/2', status: 'Running', restarts: '0' });
  });

  it('turns Completed back into Running while another container still runs', () => {
    const pod = runningPod();
    pod.spec!.containers!.push({ name: 'job', image: 'busybox' });
    pod.status!.containerStatuses!.push({ name: 'job', state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(summarizePod(pod, now).status).toBe('Running');
    pod.status!.conditions = [{ type: 'Ready', status: 'False' }];
    expect(summarizePod(pod, now).status).toBe('NotReady');
  });

  it('counts readiness gates', () => {
    const pod = runningPod();
    pod.spec!.readinessGates = [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }];
    pod.status!.conditions!.push({ type: 'example.com/lb', status: 'True' });
    expect(cells(pod)[8]).toBe('1/2');
  });

  it('shows a pending unscheduled pod with <none> for IP and node', () => {
    const pod: Pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending' } };
    expect(cells(pod)).toEqual(['p', '0/1', 'Pending', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
  });
});
