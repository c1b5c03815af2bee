// Which keys of a ConfigMap or Secret become files, and under which names (the kubelet's MakePayload for
// both): every key under its own name without `items`, else exactly the listed keys at their paths.
import type { KubeObject } from '@hubspoke/api';
import type { KeyToPath, VolumeFiles } from './types.ts';

/** A projection: the files, or Kubernetes' message for a listed key the object does not have. */
export type KeyProjection = { kind: 'ready'; files: VolumeFiles } | { kind: 'failed'; message: string };

/** The files of a ConfigMap: `data` as text, `binaryData` (base64 on the wire) as bytes. */
export function configMapFiles(configMap: KubeObject | undefined, items: KeyToPath[] | undefined, optional: boolean): KeyProjection {
  const data = stringRecord(configMap?.data);
  const binary = stringRecord(configMap?.binaryData);
  const contents = new Map<string, string | Buffer>(Object.entries(data));
  for (const [key, value] of Object.entries(binary)) contents.set(key, Buffer.from(value, 'base64'));
  return project(contents, items, optional, (key) => `configmap references non-existent config key: ${key}`);
}

/** The files of a Secret: `data` is base64 on the wire and becomes bytes. */
export function secretFiles(secret: KubeObject | undefined, items: KeyToPath[] | undefined, optional: boolean): KeyProjection {
  const contents = new Map<string, string | Buffer>();
  for (const [key, value] of Object.entries(stringRecord(secret?.data))) contents.set(key, Buffer.from(value, 'base64'));
  return project(contents, items, optional, (key) => `references non-existent secret key: ${key}`);
}

function project(
  contents: Map<string, string | Buffer>,
  items: KeyToPath[] | undefined,
  optional: boolean,
  missingKey: (key: string) => string,
): KeyProjection {
  if (!items || items.length === 0) return { kind: 'ready', files: contents };
  const files: VolumeFiles = new Map();
  for (const item of items) {
    const content = contents.get(item.key);
    if (content === undefined) {
      if (optional) continue;
      return { kind: 'failed', message: missingKey(item.key) };
    }
    files.set(item.path, content);
  }
  return { kind: 'ready', files };
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
