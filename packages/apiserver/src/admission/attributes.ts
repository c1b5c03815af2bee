// What admission plugins are asked about (`admission.Attributes`), and the one way they refuse a request
// (`admission.NewForbidden`): `<resource>[.<group>] "<name>" is forbidden: <reason>`.
import { forbidden, type ApiError, type KubeObject, type StatusCause } from '@hubspoke/api';
import type { UserInfo } from '@hubspoke/auth';

/** `admission.Operation`: PATCH is an UPDATE, a kubelet stream is a CONNECT. */
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** `schema.GroupVersionResource`. */
export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/** `schema.GroupVersionKind` of the object in the request (`Binding` for pods/binding, …). */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** One request as the admission chain sees it. */
export interface Attributes {
  operation: Operation;
  resource: GroupVersionResource;
  subresource: string;
  kind: GroupVersionKind;
  /** `''` for cluster-scoped resources. */
  namespace: string;
  /** The URL's name; on create the body's name (`''` while only generateName is set). */
  name: string;
  /** The incoming object; mutating plugins change it in place. Absent on DELETE and CONNECT. */
  object?: KubeObject;
  /** The stored object on UPDATE (and on DELETE in the validating phase). */
  oldObject?: KubeObject;
  /** The requesting user: the impersonated one when the request impersonates. */
  user: UserInfo;
  dryRun: boolean;
}

/** The `<resource>[.<group>]` form Kubernetes puts in front of a refusal. */
export function qualifiedResource(attrs: Pick<Attributes, 'resource'>): string {
  const { group, resource } = attrs.resource;
  return group ? `${resource}.${group}` : resource;
}

/**
 * `admission.NewForbidden`: 403 Forbidden naming the request's resource and object. On create before a name is
 * generated the object's generateName stands in, and `Unknown` when there is nothing at all.
 */
export function admissionForbidden(attrs: Attributes, reason: string, causes?: StatusCause[]): ApiError {
  const name = attrs.name || attrs.object?.metadata?.name || attrs.object?.metadata?.generateName || 'Unknown';
  const { group, resource } = attrs.resource;
  return forbidden(`${qualifiedResource(attrs)} "${name}" is forbidden: ${reason}`, {
    name,
    ...(group ? { group } : {}),
    kind: resource,
    ...(causes ? { causes } : {}),
  });
}
