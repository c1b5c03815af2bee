import { describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import type { KubeObject } from '@hubspoke/api';
import { PodVolumes } from './pod-volumes.ts';
import { fakeReader, podWithServiceAccount, SERVICE_ACCOUNT_MOUNT } from './testing.ts';
import type { FakeCluster } from './testing.ts';

const CA = 'root-ca-pem';
const rootCA: KubeObject = { metadata: { name: 'kube-root-ca.crt', namespace: 'shop' }, data: { 'ca.crt': CA } };

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) }) };
}

function tokenSequence(cluster: FakeCluster) {
  let n = 0;
  cluster.token = () => ({ kind: 'issued', token: `token-${++n}` });
  return () => n;
}

describe('PodVolumes', () => {
  it('mounts every volume, then keeps an attached container view current in place', async () => {
    const cluster: FakeCluster = { configMaps: { 'shop/kube-root-ca.crt': rootCA } };
    const issued = tokenSequence(cluster);
    const { logger } = capturingLogger();
    const volumes = new PodVolumes({ pod: podWithServiceAccount('shop'), reader: fakeReader(cluster), logger, resyncIntervalMs: 20 });
    volumes.start();
    try {
      expect(await volumes.mounted).toBe(true);
      const files = volumes.attach({ name: 'c', volumeMounts: [{ name: 'kube-api-access-x7k2p', mountPath: SERVICE_ACCOUNT_MOUNT }], env: {} });
      expect(Object.fromEntries(files)).toEqual({
        [`${SERVICE_ACCOUNT_MOUNT}/token`]: 'token-1',
        [`${SERVICE_ACCOUNT_MOUNT}/ca.crt`]: CA,
        [`${SERVICE_ACCOUNT_MOUNT}/namespace`]: 'shop',
      });
      // The fake hands out a new token on every request: each remount shows in the same map.
      await vi.waitFor(() => expect(issued()).toBeGreaterThanOrEqual(3));
      await vi.waitFor(() => expect(files.get(`${SERVICE_ACCOUNT_MOUNT}/token`)).toBe(`token-${issued()}`));
    } finally {
      await volumes.stop();
    }
  });

  it('stays unmounted while a ConfigMap is missing, logs FailedMount, and mounts once it appears', async () => {
    const cluster: FakeCluster = { configMaps: {} };
    tokenSequence(cluster);
    const { lines, logger } = capturingLogger();
    const volumes = new PodVolumes({ pod: podWithServiceAccount('shop'), reader: fakeReader(cluster), logger, retry: { initialMs: 10, maxMs: 20 } });
    let mounted: boolean | undefined;
    void volumes.mounted.then((ok) => (mounted = ok));
    volumes.start();
    try {
      await vi.waitFor(() => expect(lines.filter((l) => l.reason === 'FailedMount').length).toBeGreaterThanOrEqual(2));
      expect(mounted).toBeUndefined();
      expect(lines[0]).toMatchObject({
        reason: 'FailedMount',
        volume: 'kube-api-access-x7k2p',
        message: 'MountVolume.SetUp failed for volume "kube-api-access-x7k2p" : configmap "kube-root-ca.crt" not found',
        msg: 'MountVolume.SetUp failed',
      });
      expect(volumes.failures()).toHaveLength(1);

      cluster.configMaps!['shop/kube-root-ca.crt'] = rootCA;
      expect(await volumes.mounted).toBe(true);
      expect(volumes.failures()).toEqual([]);
    } finally {
      await volumes.stop();
    }
  });

  it('remounts at once on a pod update: downward API files follow the pod', async () => {
    const labelsVolume = { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } };
    const pod = podWithServiceAccount('shop', [labelsVolume]);
    const volumes = new PodVolumes({ pod, reader: fakeReader({}), logger: capturingLogger().logger, resyncIntervalMs: 60_000 });
    volumes.start();
    try {
      await volumes.mounted;
      const files = volumes.attach({ name: 'c', volumeMounts: [{ name: 'info', mountPath: '/etc/podinfo' }], env: {} });
      expect(files.get('/etc/podinfo/labels')).toBe('app="web"\ntier="front"');
      volumes.update({ ...pod, metadata: { ...pod.metadata, labels: { app: 'web', tier: 'back' } } });
      await vi.waitFor(() => expect(files.get('/etc/podinfo/labels')).toBe('app="web"\ntier="back"'));
    } finally {
      await volumes.stop();
    }
  });

  it('keeps the last good contents when a remount fails', async () => {
    const cluster: FakeCluster = { configMaps: { 'shop/kube-root-ca.crt': rootCA } };
    tokenSequence(cluster);
    const { lines, logger } = capturingLogger();
    const volumes = new PodVolumes({ pod: podWithServiceAccount('shop'), reader: fakeReader(cluster), logger, resyncIntervalMs: 10 });
    volumes.start();
    try {
      await volumes.mounted;
      const files = volumes.attach({ name: 'c', volumeMounts: [{ name: 'kube-api-access-x7k2p', mountPath: '/sa' }], env: {} });
      delete cluster.configMaps!['shop/kube-root-ca.crt'];
      await vi.waitFor(() => expect(lines.some((l) => l.reason === 'FailedMount')).toBe(true));
      expect(files.get('/sa/ca.crt')).toBe(CA);
    } finally {
      await volumes.stop();
    }
  });

  it('resolves mounted false when stopped before mounting', async () => {
    const volumes = new PodVolumes({ pod: podWithServiceAccount('shop'), reader: fakeReader({}), logger: capturingLogger().logger });
    volumes.start();
    await volumes.stop();
    expect(await volumes.mounted).toBe(false);
  });
});
