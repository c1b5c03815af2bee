import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KubeObject } from '@hubspoke/api';
import type { ContainerStatus, PodStatus } from './pod-status.ts';
import { startFakeApiserver } from './testing/fake-apiserver.ts';
import type { FakeApiserver } from './testing/fake-apiserver.ts';
import { startTestKubelet, testPod } from './testing/test-kubelet.ts';
import type { TestKubelet } from './testing/test-kubelet.ts';

let apiserver: FakeApiserver;
let running: TestKubelet | undefined;

beforeAll(async () => {
  apiserver = await startFakeApiserver();
});
afterAll(async () => {
  await apiserver.close();
});
afterEach(async () => {
  await running?.cleanup();
  running = undefined;
});

async function kubeletFor(name: string): Promise<TestKubelet> {
  running = await startTestKubelet(apiserver, { nodeName: name });
  await running.kubelet.ready;
  return running;
}

function stored(namespace: string, name: string): (KubeObject & { status: PodStatus }) | undefined {
  return apiserver.get('pods', namespace, name) as (KubeObject & { status: PodStatus }) | undefined;
}

/** Every status the kubelet sent for a pod, in order. */
function sentStatuses(namespace: string, name: string): PodStatus[] {
  return apiserver.requests
    .filter((r) => r.method === 'PATCH' && r.path === `/api/v1/namespaces/${namespace}/pods/${name}/status`)
    .map((r) => (r.body as { status: PodStatus }).status);
}

function containerStatus(namespace: string, name: string, container = 'c'): ContainerStatus | undefined {
  return stored(namespace, name)?.status?.containerStatuses?.find((s) => s.name === container);
}

const logger = (extra: Record<string, unknown> = {}) => ({ name: 'c', image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '20' }], ...extra });

describe('pod sync', () => {
  it('starts a bound pod: IP from the pod CIDR, Running with container statuses, CRI log under rootDir', async () => {
    const { kubelet, rootDir } = await kubeletFor('node-run');
    const pod = apiserver.createPod(testPod('web', [logger()], { nodeName: 'node-run' }));
    const prefix = kubelet.config.podCIDR!.replace(/0\/24$/, '');

    await vi.waitFor(() => expect(stored('default', 'web')?.status?.phase).toBe('Running'));
    const status = stored('default', 'web')!.status;
    expect(status.podIP).toBe(`${prefix}2`);
    expect(status.podIPs).toEqual([{ ip: `${prefix}2` }]);
    expect(status).toMatchObject({ hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], startTime: expect.stringMatching(/Z$/) });
    expect(status.conditions.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    expect(status.containerStatuses).toEqual([
      {
        name: 'c',
        state: { running: { startedAt: expect.stringMatching(/Z$/) } },
        lastState: {},
        ready: true,
        started: true,
        restartCount: 0,
        image: 'hubspoke/logger',
        imageID: expect.stringMatching(/^hubspoke\/logger@sha256:[0-9a-f]{64}$/),
        containerID: expect.stringMatching(/^hubspoke:\/\//),
      },
    ]);
    // The first report is Pending with the container still being created.
    expect(sentStatuses('default', 'web')[0]).toMatchObject({
      phase: 'Pending',
      containerStatuses: [{ name: 'c', state: { waiting: { reason: 'ContainerCreating' } } }],
    });

    const log = path.join(rootDir, 'logs', 'pods', `default_web_${pod.metadata.uid}`, 'c', '0.log');
    await vi.waitFor(async () => expect(await readFile(log, 'utf8')).toMatch(/^\S+Z stdout F 1 .* hello from web$/m));
    expect(kubelet.pods().map((p) => p.metadata.name)).toEqual(['web']);
  });

  it('leaves pods bound to other nodes alone', async () => {
    const { kubelet } = await kubeletFor('node-mine');
    apiserver.createPod(testPod('elsewhere', [logger()], { nodeName: 'node-other' }));
    apiserver.createPod(testPod('mine', [logger()], { nodeName: 'node-mine' }));
    await vi.waitFor(() => expect(stored('default', 'mine')?.status?.phase).toBe('Running'));
    expect(stored('default', 'elsewhere')?.status).toBeUndefined();
    expect(kubelet.pods().map((p) => p.metadata.name)).toEqual(['mine']);
    const watch = apiserver.requests.filter((r) => r.path === '/api/v1/pods' && r.query.get('watch') === 'true').at(-1);
    expect(watch?.query.get('fieldSelector')).toBe('spec.nodeName=node-mine');
  });

  it('restarts a container that exits 1 under restartPolicy Always, with CrashLoopBackOff and a growing restartCount', async () => {
    await kubeletFor('node-crash');
    const pod = apiserver.createPod(
      testPod('crasher', [{ name: 'c', image: 'hubspoke/exit', env: [{ name: 'EXIT_CODE', value: '1' }] }], { nodeName: 'node-crash' }),
    );
    await vi.waitFor(() => expect(containerStatus('default', 'crasher')?.restartCount).toBeGreaterThanOrEqual(3), { timeout: 10_000 });

    const waiting = sentStatuses('default', 'crasher')
      .flatMap((s) => s.containerStatuses)
      .map((c) => c.state.waiting)
      .filter((w) => w?.reason === 'CrashLoopBackOff');
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting[0]!.message).toBe(`back-off 100ms restarting failed container=c pod=crasher_default(${pod.metadata.uid})`);
    expect(waiting.some((w) => w!.message!.startsWith('back-off 200ms '))).toBe(true);

    const last = containerStatus('default', 'crasher')!;
    expect(last.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error', containerID: expect.stringMatching(/^hubspoke:\/\//) });
    expect(stored('default', 'crasher')!.status.phase).toBe('Running');
  });

  it('finishes a restartPolicy Never pod whose container exits 0 as Succeeded', async () => {
    await kubeletFor('node-once');
    apiserver.createPod(testPod('job', [{ name: 'c', image: 'hubspoke/exit' }], { nodeName: 'node-once', restartPolicy: 'Never' }));
    await vi.waitFor(() => expect(stored('default', 'job')?.status?.phase).toBe('Succeeded'));
    const status = stored('default', 'job')!.status;
    expect(status.containerStatuses[0]).toMatchObject({ ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('reports ErrImagePull, then ImagePullBackOff, for an image the runtime does not have', async () => {
    await kubeletFor('node-pull');
    apiserver.createPod(testPod('ghost', [{ name: 'c', image: 'example.com/missing:1' }], { nodeName: 'node-pull' }));
    await vi.waitFor(() => {
      const reasons = sentStatuses('default', 'ghost').map((s) => s.containerStatuses[0]?.state.waiting?.reason);
      expect(reasons).toContain('ErrImagePull');
      expect(reasons).toContain('ImagePullBackOff');
      expect(reasons.indexOf('ErrImagePull')).toBeLessThan(reasons.indexOf('ImagePullBackOff'));
    });
    const statuses = sentStatuses('default', 'ghost');
    const pull = statuses.map((s) => s.containerStatuses[0].state.waiting).find((w) => w?.reason === 'ErrImagePull')!;
    expect(pull.message).toMatch(/^Failed to pull image "example.com\/missing:1"/);
    const backoff = statuses.map((s) => s.containerStatuses[0].state.waiting).find((w) => w?.reason === 'ImagePullBackOff')!;
    expect(backoff.message).toBe('Back-off pulling image "example.com/missing:1"');
    expect(stored('default', 'ghost')!.status.phase).toBe('Pending');
  });

  it('on a graceful deletion stops containers within the grace period, reports the end, then DELETEs with a uid precondition', async () => {
    const { kubelet, stops } = await kubeletFor('node-del');
    const pod = apiserver.createPod(
      testPod('doomed', [logger(), { name: 'stubborn', image: 'test/stubborn' }], { nodeName: 'node-del' }),
    );
    await vi.waitFor(() => expect(stored('default', 'doomed')?.status?.phase).toBe('Running'));
    const ip = stored('default', 'doomed')!.status.podIP;

    apiserver.markPodForDeletion('default', 'doomed', 1);
    await vi.waitFor(() => expect(stored('default', 'doomed')).toBeUndefined(), { timeout: 5000 });

    expect(stops.filter((s) => s.pod === 'default/doomed')).toEqual([
      { pod: 'default/doomed', container: 'c', gracePeriodMs: 1000 },
      { pod: 'default/doomed', container: 'stubborn', gracePeriodMs: 1000 },
    ]);
    const final = sentStatuses('default', 'doomed').at(-1)!;
    expect(final.phase).toBe('Failed');
    const byName = Object.fromEntries(final.containerStatuses.map((c) => [c.name, c.state.terminated]));
    // The logger handles SIGTERM and exits 0; the stubborn one is killed when the grace period ends.
    expect(byName.c).toMatchObject({ exitCode: 0 });
    expect(byName.stubborn).toMatchObject({ exitCode: 137, reason: 'Error' });

    const del = apiserver.requests.find((r) => r.method === 'DELETE' && r.path === '/api/v1/namespaces/default/pods/doomed');
    expect(del?.body).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    await vi.waitFor(() => expect(kubelet.pods()).toEqual([]));

    // The address went back to the pool: the next pod gets it again.
    apiserver.createPod(testPod('next', [logger()], { nodeName: 'node-del' }));
    await vi.waitFor(() => expect(stored('default', 'next')?.status?.podIP).toBe(ip));
  });

  it('stops the containers of a pod removed outright, without a DELETE of its own', async () => {
    const { kubelet, stops } = await kubeletFor('node-gone');
    apiserver.createPod(testPod('vanish', [logger()], { nodeName: 'node-gone' }));
    await vi.waitFor(() => expect(stored('default', 'vanish')?.status?.phase).toBe('Running'));
    apiserver.removePod('default', 'vanish');
    await vi.waitFor(() => expect(stops).toEqual([{ pod: 'default/vanish', container: 'c', gracePeriodMs: 0 }]));
    await vi.waitFor(() => expect(kubelet.pods()).toEqual([]));
    expect(apiserver.requests.some((r) => r.method === 'DELETE' && r.path.endsWith('/pods/vanish'))).toBe(false);
  });

  it('does not send a status that has not changed', async () => {
    await kubeletFor('node-quiet');
    apiserver.createPod(testPod('steady', [logger()], { nodeName: 'node-quiet' }));
    await vi.waitFor(() => expect(stored('default', 'steady')?.status?.phase).toBe('Running'));
    const count = sentStatuses('default', 'steady').length;
    await new Promise((r) => setTimeout(r, 300));
    const statuses = sentStatuses('default', 'steady');
    expect(statuses.length).toBe(count);
    const texts = statuses.map((s) => JSON.stringify(s));
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('stop() stops every container but leaves the pods in the apiserver', async () => {
    const { kubelet, stops } = await kubeletFor('node-stop');
    apiserver.createPod(testPod('stay', [logger()], { nodeName: 'node-stop' }));
    await vi.waitFor(() => expect(stored('default', 'stay')?.status?.phase).toBe('Running'));
    await kubelet.stop();
    expect(stops).toEqual([{ pod: 'default/stay', container: 'c', gracePeriodMs: 0 }]);
    expect(stored('default', 'stay')).toBeDefined();
  });

  it('picks up pods again after the watch drops', async () => {
    await kubeletFor('node-rewatch');
    apiserver.dropWatches();
    apiserver.createPod(testPod('later', [logger()], { nodeName: 'node-rewatch' }));
    await vi.waitFor(() => expect(stored('default', 'later')?.status?.phase).toBe('Running'));
  });
});
