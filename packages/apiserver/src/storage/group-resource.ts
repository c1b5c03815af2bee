// Storage keys name resources the way the apiserver's messages do: `pods`, `roles.rbac.authorization.k8s.io`.
import type { GroupResource } from '@hubspoke/api';
import type { ResourceKey } from './interface.ts';

/** The group and resource a storage key names; the first dot separates them. */
export function groupResourceOf(key: ResourceKey): GroupResource {
  const dot = key.indexOf('.');
  return dot < 0 ? { group: '', resource: key } : { group: key.slice(dot + 1), resource: key.slice(0, dot) };
}
