import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { contextFor, podWithServiceAccount } from './testing.ts';
import { mountFailureMessage, setUpVolume } from './volume-setup.ts';
import type { PodVolume, VolumeSetUp } from './types.ts';

const pod = podWithServiceAccount('shop');
const b64 = (text: string) => Buffer.from(text).toString('base64');
const configMap: KubeObject = {
  metadata: { name: 'settings', namespace: 'shop' },
  data: { 'app.conf': 'debug=true\n', mode: 'blue' },
  binaryData: { 'logo.bin': Buffer.from([0, 1, 2, 255]).toString('base64') },
};
const secret: KubeObject = { metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', data: { password: b64('s3cr3t'), user: b64('admin') } };
const cluster = { configMaps: { 'shop/settings': configMap }, secrets: { 'shop/db': secret } };

const setUp = (volume: PodVolume) => setUpVolume(volume, contextFor(pod, cluster));
const files = (result: VolumeSetUp) => {
  if (result.kind !== 'ready') throw new Error(`not ready: ${result.message}`);
  return Object.fromEntries([...result.files].map(([path, content]) => [path, content.toString()]));
};

describe('configMap volumes', () => {
  it('project every key, binaryData as bytes', async () => {
    const result = await setUp({ name: 'cfg', configMap: { name: 'settings' } });
    expect(files(result)).toEqual({ 'app.conf': 'debug=true\n', mode: 'blue', 'logo.bin': Buffer.from([0, 1, 2, 255]).toString() });
    expect(result.kind === 'ready' && result.files.get('logo.bin')).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('project only the listed items, at their paths', async () => {
    const result = await setUp({ name: 'cfg', configMap: { name: 'settings', items: [{ key: 'mode', path: 'conf/colour' }] } });
    expect(files(result)).toEqual({ 'conf/colour': 'blue' });
  });

  it('fail for a missing ConfigMap, or a listed key it lacks, with the kubelet message', async () => {
    expect(await setUp({ name: 'cfg', configMap: { name: 'nope' } })).toEqual({ kind: 'failed', message: 'configmap "nope" not found' });
    expect(await setUp({ name: 'cfg', configMap: { name: 'settings', items: [{ key: 'absent', path: 'a' }] } })).toEqual({
      kind: 'failed',
      message: 'configmap references non-existent config key: absent',
    });
  });

  it('mount empty, or without the missing keys, when optional', async () => {
    expect(files(await setUp({ name: 'cfg', configMap: { name: 'nope', optional: true } }))).toEqual({});
    const items = [{ key: 'absent', path: 'a' }, { key: 'mode', path: 'm' }];
    expect(files(await setUp({ name: 'cfg', configMap: { name: 'settings', optional: true, items } }))).toEqual({ m: 'blue' });
  });
});

describe('secret volumes', () => {
  it('decode every key from base64', async () => {
    expect(files(await setUp({ name: 's', secret: { secretName: 'db' } }))).toEqual({ password: 's3cr3t', user: 'admin' });
  });

  it('select items and report missing secrets and keys as the kubelet does', async () => {
    expect(files(await setUp({ name: 's', secret: { secretName: 'db', items: [{ key: 'password', path: 'pw' }] } }))).toEqual({ pw: 's3cr3t' });
    expect(await setUp({ name: 's', secret: { secretName: 'gone' } })).toEqual({ kind: 'failed', message: 'secret "gone" not found' });
    expect(await setUp({ name: 's', secret: { secretName: 'db', items: [{ key: 'token', path: 't' }] } })).toEqual({
      kind: 'failed',
      message: 'references non-existent secret key: token',
    });
    expect(files(await setUp({ name: 's', secret: { secretName: 'gone', optional: true } }))).toEqual({});
  });

  it('still fail an optional source when the read is refused rather than absent', async () => {
    const ctx = contextFor(pod, {});
    ctx.reader.secret = async () => ({ kind: 'failed', message: 'secrets "db" is forbidden: no relationship found' });
    const result = await setUpVolume({ name: 's', secret: { secretName: 'db', optional: true } }, ctx);
    expect(result).toEqual({ kind: 'failed', message: 'secrets "db" is forbidden: no relationship found' });
  });
});

describe('downwardAPI volumes', () => {
  it('write the pod metadata fields asked for', async () => {
    const items = [
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'tier', fieldRef: { fieldPath: "metadata.labels['tier']" } },
    ];
    expect(files(await setUp({ name: 'info', downwardAPI: { items } }))).toEqual({ name: 'web', labels: 'app="web"\ntier="front"', tier: 'front' });
  });
});

describe('other volume kinds', () => {
  it('mount emptyDir, hostPath and the like empty', async () => {
    expect(files(await setUp({ name: 'scratch', emptyDir: {} }))).toEqual({});
    expect(files(await setUp({ name: 'host', hostPath: { path: '/var/log' } }))).toEqual({});
  });
});

describe('mountFailureMessage', () => {
  it('is the FailedMount event text', () => {
    expect(mountFailureMessage('kube-api-access-x7k2p', 'configmap "kube-root-ca.crt" not found')).toBe(
      'MountVolume.SetUp failed for volume "kube-api-access-x7k2p" : configmap "kube-root-ca.crt" not found',
    );
  });
});
