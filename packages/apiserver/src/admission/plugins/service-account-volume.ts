// The ServiceAccount plugin's token mount: one projected `kube-api-access-<suffix>` volume (a bound token, the
// cluster CA and the namespace) mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount in every
// container that has nothing mounted there yet.
import { generateName } from '@hubspoke/api';

/** Where pods find their ServiceAccount credentials. */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The prefix of the volume's name (`ServiceAccountVolumeName`). */
export const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access-';

/** The token lifetime the plugin asks for: one hour plus seven seconds (`WarnOnlyBoundTokenExpirationSeconds`). */
export const TOKEN_EXPIRATION_SECONDS = 3607;

interface VolumeMount {
  name?: string;
  readOnly?: boolean;
  mountPath?: string;
}

interface Container {
  volumeMounts?: VolumeMount[];
}

/** The parts of a pod spec the mount touches. */
export interface MountablePodSpec {
  volumes?: { name?: string }[];
  initContainers?: Container[];
  containers?: Container[];
}

/** `TokenVolumeSource()`: the projected source of the API access volume, with the explicit default mode 0644. */
export function tokenVolumeSource(): Record<string, unknown> {
  return {
    sources: [
      { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
    defaultMode: 420,
  };
}

/**
 * Mount the API access volume into every init container and container without a mount at the token path, reusing
 * an existing `kube-api-access-*` volume; the volume is added only when some container got the mount.
 */
export function mountServiceAccountToken(spec: MountablePodSpec, nameVolume: (prefix: string) => string = generateName): void {
  const existing = (spec.volumes ?? []).find((v) => v.name?.startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX))?.name;
  const volumeName = existing ?? nameVolume(SERVICE_ACCOUNT_VOLUME_PREFIX);
  let needsVolume = false;
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((container.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
    (container.volumeMounts ??= []).push({ name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH });
    needsVolume = true;
  }
  if (!existing && needsVolume) (spec.volumes ??= []).push({ name: volumeName, projected: tokenVolumeSource() } as { name: string });
}
