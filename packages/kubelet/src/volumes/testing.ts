// Test helpers for volume setup: an in-memory VolumeSourceReader and a pod with the kube-api-access volume
// ServiceAccount admission injects.
import type { KubeObject } from '@hubspoke/api';
import type { TokenRequestSpec, TokenResult, VolumeContext, VolumeSourceReader } from './types.ts';

/** What the fake cluster holds; `token` answers every TokenRequest (and sees its spec). */
export interface FakeCluster {
  configMaps?: Record<string, KubeObject>;
  secrets?: Record<string, KubeObject>;
  token?: (namespace: string, serviceAccount: string, spec: TokenRequestSpec) => TokenResult;
}

/** A reader over `cluster`; keys are `namespace/name`. */
export function fakeReader(cluster: FakeCluster): VolumeSourceReader {
  const lookup = (store: Record<string, KubeObject> | undefined, singular: string, namespace: string, name: string) => {
    const object = store?.[`${namespace}/${name}`];
    return Promise.resolve(object ? { kind: 'found' as const, object } : { kind: 'missing' as const, message: `${singular} "${name}" not found` });
  };
  return {
    configMap: (namespace, name) => lookup(cluster.configMaps, 'configmap', namespace, name),
    secret: (namespace, name) => lookup(cluster.secrets, 'secret', namespace, name),
    serviceAccountToken: (namespace, serviceAccount, spec) =>
      Promise.resolve(cluster.token?.(namespace, serviceAccount, spec) ?? { kind: 'failed', message: 'no token in this fake' }),
  };
}

/** A volume context for `pod` over `cluster`, recording what was skipped. */
export function contextFor(pod: KubeObject, cluster: FakeCluster): VolumeContext & { skips: string[] } {
  const skips: string[] = [];
  return { pod, reader: fakeReader(cluster), skipped: (volume, what) => skips.push(`${volume}: ${what}`), skips };
}

/** The projected volume ServiceAccount admission adds to every pod. */
export function kubeApiAccessVolume(name = 'kube-api-access-x7k2p'): Record<string, unknown> & { name: string } {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/** Where admission mounts it, read-only, in every container. */
export const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A pod in `namespace` with the kube-api-access volume mounted in container `c`. */
export function podWithServiceAccount(namespace = 'shop', volumes: Array<Record<string, unknown>> = [kubeApiAccessVolume()]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace, uid: 'pod-uid-1', labels: { app: 'web', tier: 'front' }, annotations: { note: 'hi "there"' } },
    spec: {
      serviceAccountName: 'default',
      volumes,
      containers: [{ name: 'c', image: 'hubspoke/shell', volumeMounts: [{ name: 'kube-api-access-x7k2p', mountPath: SERVICE_ACCOUNT_MOUNT, readOnly: true }] }],
    },
  };
}
