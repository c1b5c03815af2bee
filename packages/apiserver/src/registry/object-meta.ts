// ObjectMeta bookkeeping shared by every kind: names, uids, timestamps, generation.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { badRequest, generateNameSuffix, nowTimestamp, type KubeObject } from '@hubspoke/api';

/** Fill server-set metadata on create; `namespace` comes from the URL. */
export function prepareObjectMetaForCreate(obj: KubeObject, namespace: string | undefined, now: Date): void {
  const meta = obj.metadata;
  if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generateNameSuffix()}`;
  if (namespace !== undefined) meta.namespace = namespace;
  else delete meta.namespace;
  meta.uid = randomUUID();
  meta.creationTimestamp = nowTimestamp(now);
  meta.generation = 1;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.managedFields;
}

/** Keep what clients may not change on update and bump generation when the spec changed. */
export function prepareObjectMetaForUpdate(obj: KubeObject, old: KubeObject): void {
  const meta = obj.metadata;
  meta.uid = old.metadata.uid;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  meta.namespace = old.metadata.namespace;
  meta.deletionTimestamp = old.metadata.deletionTimestamp;
  meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
  if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
  delete meta.managedFields;
  meta.generation = old.metadata.generation ?? 1;
  if (!isDeepStrictEqual(specOf(obj), specOf(old))) meta.generation += 1;
}

function specOf(obj: KubeObject): unknown {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/** The object's name in the URL must match the body's (or fill it when absent). */
export function reconcileName(obj: KubeObject, urlName: string): void {
  if (!obj.metadata.name) obj.metadata.name = urlName;
  else if (obj.metadata.name !== urlName) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${urlName})`);
  }
}

/** The body's namespace must match the URL's (`the namespace of the provided object does not match …`). */
export function reconcileNamespace(obj: KubeObject, urlNamespace: string | undefined): void {
  const ns = obj.metadata.namespace;
  if (urlNamespace !== undefined && ns && ns !== urlNamespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}
