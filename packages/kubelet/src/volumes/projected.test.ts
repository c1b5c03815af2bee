import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { setUpProjected } from './projected.ts';
import { contextFor, kubeApiAccessVolume, podWithServiceAccount } from './testing.ts';
import type { FakeCluster } from './testing.ts';
import type { TokenRequestSpec, VolumeProjection } from './types.ts';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const rootCA: KubeObject = { metadata: { name: 'kube-root-ca.crt', namespace: 'shop' }, data: { 'ca.crt': CA } };
const pod = podWithServiceAccount('shop');
const sources = (kubeApiAccessVolume().projected as { sources: VolumeProjection[] }).sources;

function cluster(extra: FakeCluster = {}): FakeCluster & { requests: Array<{ namespace: string; serviceAccount: string; spec: TokenRequestSpec }> } {
  const requests: Array<{ namespace: string; serviceAccount: string; spec: TokenRequestSpec }> = [];
  return {
    configMaps: { 'shop/kube-root-ca.crt': rootCA },
    token: (namespace, serviceAccount, spec) => {
      requests.push({ namespace, serviceAccount, spec });
      return { kind: 'issued', token: 'header.payload.signature' };
    },
    ...extra,
    requests,
  };
}

describe('projected volumes', () => {
  it('fill the kube-api-access volume: a pod-bound token, the root CA and the namespace', async () => {
    const fake = cluster();
    const result = await setUpProjected('kube-api-access-x7k2p', sources, contextFor(pod, fake));
    expect(result.kind === 'ready' && Object.fromEntries(result.files)).toEqual({ token: 'header.payload.signature', 'ca.crt': CA, namespace: 'shop' });
    // No audience in the projection: the request names none, so the apiserver's own apply.
    expect(fake.requests).toEqual([
      {
        namespace: 'shop',
        serviceAccount: 'default',
        spec: { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'pod-uid-1' } },
      },
    ]);
  });

  it('ask for the projection audience and the pod account, defaulting to "default"', async () => {
    const fake = cluster();
    const vault = { ...pod, spec: { ...(pod.spec as object), serviceAccountName: 'vault-reader' } };
    await setUpProjected('t', [{ serviceAccountToken: { path: 'vault-token', audience: 'vault', expirationSeconds: 600 } }], contextFor(vault, fake));
    const unnamed = { ...pod, spec: { ...(pod.spec as object), serviceAccountName: undefined } };
    await setUpProjected('t', [{ serviceAccountToken: { path: 'token' } }], contextFor(unnamed, fake));
    expect(fake.requests.map((r) => [r.serviceAccount, r.spec.audiences, r.spec.expirationSeconds])).toEqual([
      ['vault-reader', ['vault'], 600],
      ['default', undefined, undefined],
    ]);
  });

  it('fail with the missing root CA ConfigMap as the kubelet words it', async () => {
    const result = await setUpProjected('kube-api-access-x7k2p', sources, contextFor(pod, cluster({ configMaps: {} })));
    expect(result).toEqual({ kind: 'failed', message: 'configmap "kube-root-ca.crt" not found' });
  });

  it('report every failing source together', async () => {
    const refused = cluster({ configMaps: {}, token: () => ({ kind: 'failed', message: 'failed to fetch token: serviceaccounts "default" not found' }) });
    const result = await setUpProjected('kube-api-access-x7k2p', sources, contextFor(pod, refused));
    expect(result).toEqual({
      kind: 'failed',
      message: '[failed to fetch token: serviceaccounts "default" not found, configmap "kube-root-ca.crt" not found]',
    });
  });

  it('merge secret sources too, a later source winning a shared path', async () => {
    const secret: KubeObject = { metadata: { name: 'creds', namespace: 'shop' }, data: { user: Buffer.from('alice').toString('base64') } };
    const fake = cluster({ secrets: { 'shop/creds': secret }, configMaps: { 'shop/kube-root-ca.crt': { ...rootCA, data: { user: 'from-configmap' } } } });
    const result = await setUpProjected(
      'mixed',
      [{ configMap: { name: 'kube-root-ca.crt' } }, { secret: { name: 'creds' } }, { secret: { name: 'absent', optional: true } }],
      contextFor(pod, fake),
    );
    expect(result.kind === 'ready' && Object.fromEntries([...result.files].map(([p, c]) => [p, c.toString()]))).toEqual({ user: 'alice' });
  });
});
