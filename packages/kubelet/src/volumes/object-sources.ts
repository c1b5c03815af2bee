// ConfigMap and Secret sources, for the configMap and secret volumes and a projected volume's sources alike:
// read the object from the pod's namespace and project its keys. A missing object fails the mount unless the
// source is optional, which mounts what there is (nothing, or the keys that exist).
import type { KubeObject } from '@hubspoke/api';
import { configMapFiles, secretFiles } from './key-to-path.ts';
import type { KeyToPath, ObjectLookup, VolumeContext, VolumeSetUp } from './types.ts';

/** A reference to a ConfigMap or Secret by name, as volumes and projections make it. */
export interface ObjectReference {
  name: string;
  items?: KeyToPath[];
  optional?: boolean;
}

/** The files a ConfigMap reference yields, or why it cannot. */
export async function projectConfigMap(source: ObjectReference, ctx: VolumeContext): Promise<VolumeSetUp> {
  const optional = source.optional === true;
  const found = usableObject(await ctx.reader.configMap(namespaceOf(ctx), source.name), optional);
  return found.kind === 'failed' ? found : configMapFiles(found.object, source.items, optional);
}

/** The files a Secret reference yields, or why it cannot. */
export async function projectSecret(source: ObjectReference, ctx: VolumeContext): Promise<VolumeSetUp> {
  const optional = source.optional === true;
  const found = usableObject(await ctx.reader.secret(namespaceOf(ctx), source.name), optional);
  return found.kind === 'failed' ? found : secretFiles(found.object, source.items, optional);
}

function namespaceOf(ctx: VolumeContext): string {
  return ctx.pod.metadata.namespace ?? 'default';
}

function usableObject(lookup: ObjectLookup, optional: boolean): { kind: 'usable'; object?: KubeObject } | { kind: 'failed'; message: string } {
  if (lookup.kind === 'found') return { kind: 'usable', object: lookup.object };
  // Only absence is forgiven: a refused or failed read fails even an optional source.
  if (lookup.kind === 'missing' && optional) return { kind: 'usable' };
  return { kind: 'failed', message: lookup.message };
}
