// The downwardAPI volume (and a projected volume's downwardAPI source): pod metadata as files. Volumes may
// only use metadata fields (name, namespace, uid, labels, annotations, one label or annotation by key); the
// whole label or annotation map is written as sorted `key="value"` lines.
import type { KubeObject } from '@hubspoke/api';
import type { DownwardAPIVolumeFile, VolumeContext, VolumeFiles, VolumeSetUp } from './types.ts';

/** The files of `items`; a field the volume cannot read fails the mount with Kubernetes' message. */
export function projectDownwardAPI(volume: string, items: DownwardAPIVolumeFile[] | undefined, ctx: VolumeContext): VolumeSetUp {
  const files: VolumeFiles = new Map();
  const errors: string[] = [];
  for (const item of items ?? []) {
    if (item.fieldRef) {
      const value = metadataFieldValue(ctx.pod, item.fieldRef.fieldPath);
      if (value.kind === 'value') files.set(item.path, value.text);
      else errors.push(value.message);
    } else if (item.resourceFieldRef) {
      // Container resources are not modelled by the toy runtime: the file is left out, not the volume.
      ctx.skipped(volume, `resourceFieldRef ${item.resourceFieldRef.resource} (${item.path})`);
    }
  }
  if (errors.length > 0) return { kind: 'failed', message: aggregate(errors) };
  return { kind: 'ready', files };
}

/** The value of a metadata `fieldPath` (fieldpath.ExtractFieldPathAsString), or why there is none. */
export function metadataFieldValue(pod: KubeObject, fieldPath: string): { kind: 'value'; text: string } | { kind: 'error'; message: string } {
  const m = pod.metadata;
  const subscripted = /^(metadata\.[a-z]+)\['(.*)'\]$/.exec(fieldPath);
  if (subscripted) {
    const [, path, key] = subscripted;
    if (path === 'metadata.labels') return { kind: 'value', text: m.labels?.[key] ?? '' };
    if (path === 'metadata.annotations') return { kind: 'value', text: m.annotations?.[key] ?? '' };
    return { kind: 'error', message: `fieldPath "${path}" does not support subscript` };
  }
  switch (fieldPath) {
    case 'metadata.labels':
      return { kind: 'value', text: formatMap(m.labels) };
    case 'metadata.annotations':
      return { kind: 'value', text: formatMap(m.annotations) };
    case 'metadata.name':
      return { kind: 'value', text: m.name ?? '' };
    case 'metadata.namespace':
      return { kind: 'value', text: m.namespace ?? '' };
    case 'metadata.uid':
      return { kind: 'value', text: m.uid ?? '' };
  }
  return { kind: 'error', message: `unsupported fieldPath: ${fieldPath}` };
}

/** Kubernetes' fieldpath.FormatMap: `key="value"` lines sorted by key, no trailing newline. */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((key) => `${key}=${JSON.stringify(map![key])}`)
    .join('\n');
}

/** utilerrors.NewAggregate's text: the message itself for one, `[a, b]` for several (duplicates once). */
export function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}
