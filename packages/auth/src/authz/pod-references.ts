// The objects a pod makes its node read (the edges of the Node authorizer's graph): secrets and configmaps in
// volumes, projected volumes, env and envFrom; image pull secrets; claims; and its ServiceAccount.
import type { KubeObject } from '@hubspoke/api';

/** Names, all in the pod's namespace, of what the pod references. */
export interface PodReferences {
  secrets: Set<string>;
  configMaps: Set<string>;
  persistentVolumeClaims: Set<string>;
  serviceAccount: string;
}

type Json = Record<string, unknown>;

const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const asArray = (v: unknown): Json[] => (Array.isArray(v) ? v.map(asObject) : []);
const asName = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Everything `pod` references, by kind. */
export function podReferences(pod: KubeObject): PodReferences {
  const spec = asObject(pod['spec']);
  const refs: PodReferences = {
    secrets: new Set(),
    configMaps: new Set(),
    persistentVolumeClaims: new Set(),
    // Unset means the namespace's default account, which is what the kubelet asks a token for.
    serviceAccount: asName(spec['serviceAccountName']) ?? asName(spec['serviceAccount']) ?? 'default',
  };
  const add = (set: Set<string>, name: unknown) => {
    const n = asName(name);
    if (n) set.add(n);
  };

  for (const secret of asArray(spec['imagePullSecrets'])) add(refs.secrets, secret['name']);

  for (const volume of asArray(spec['volumes'])) {
    add(refs.secrets, asObject(volume['secret'])['secretName']);
    add(refs.configMaps, asObject(volume['configMap'])['name']);
    add(refs.persistentVolumeClaims, asObject(volume['persistentVolumeClaim'])['claimName']);
    // A generic ephemeral volume's claim is named <pod>-<volume>.
    if (volume['ephemeral'] && pod.metadata.name) add(refs.persistentVolumeClaims, `${pod.metadata.name}-${String(volume['name'])}`);
    for (const source of asArray(asObject(volume['projected'])['sources'])) {
      add(refs.secrets, asObject(source['secret'])['name']);
      add(refs.configMaps, asObject(source['configMap'])['name']);
    }
    for (const withSecretRef of ['csi', 'cephfs', 'rbd', 'iscsi', 'flexVolume', 'scaleIO', 'storageos']) {
      const ref = asObject(volume[withSecretRef]);
      add(refs.secrets, asObject(ref['secretRef'] ?? ref['nodePublishSecretRef'])['name']);
    }
    add(refs.secrets, asObject(volume['azureFile'])['secretName']);
  }

  const containers = [...asArray(spec['initContainers']), ...asArray(spec['containers']), ...asArray(spec['ephemeralContainers'])];
  for (const container of containers) {
    for (const env of asArray(container['env'])) {
      const from = asObject(env['valueFrom']);
      add(refs.secrets, asObject(from['secretKeyRef'])['name']);
      add(refs.configMaps, asObject(from['configMapKeyRef'])['name']);
    }
    for (const envFrom of asArray(container['envFrom'])) {
      add(refs.secrets, asObject(envFrom['secretRef'])['name']);
      add(refs.configMaps, asObject(envFrom['configMapRef'])['name']);
    }
  }
  return refs;
}

/** The node a pod is bound to, or undefined while unscheduled. */
export function podNodeName(pod: KubeObject): string | undefined {
  return asName(asObject(pod['spec'])['nodeName']);
}
