// A container's file view from its volumeMounts: each mounted volume's files under its mountPath (only the
// subPath's part of the volume when one is given). As a runtime mounts them, shallower mount paths go
// first, and a mount hides whatever an earlier one put at or below its path.
import { posix } from 'node:path';
import { expandReferences } from '../container-spec.ts';
import type { VolumeFiles, VolumeMount } from './types.ts';

/** Inputs of containerFiles. */
export interface ContainerMounts {
  mounts: VolumeMount[] | undefined;
  /** Each pod volume's current files, by volume name. */
  volumes: ReadonlyMap<string, VolumeFiles>;
  /** The container's environment, for `subPathExpr`. */
  env: Record<string, string>;
}

/** Absolute path → content of everything the container's mounts show. */
export function containerFiles({ mounts, volumes, env }: ContainerMounts): Map<string, string | Buffer> {
  const files = new Map<string, string | Buffer>();
  const ordered = [...(mounts ?? [])].sort((a, b) => depth(a.mountPath) - depth(b.mountPath));
  for (const mount of ordered) {
    const source = volumes.get(mount.name);
    if (!source) continue;
    const target = posix.resolve('/', mount.mountPath);
    for (const path of [...files.keys()]) if (within(path, target)) files.delete(path);
    const subPath = trimSlashes(mount.subPath || (mount.subPathExpr ? expandReferences(mount.subPathExpr, env) : ''));
    for (const [relative, content] of source) {
      const inside = trimSlashes(posix.normalize(relative));
      if (!subPath) files.set(posix.join(target, inside), content);
      else if (inside === subPath) files.set(target, content);
      else if (inside.startsWith(`${subPath}/`)) files.set(posix.join(target, inside.slice(subPath.length + 1)), content);
    }
  }
  return files;
}

/** Makes `target` hold exactly `next`, in place and in one synchronous step, so views over it switch at once. */
export function replaceContents(target: Map<string, string | Buffer>, next: ReadonlyMap<string, string | Buffer>): void {
  for (const path of [...target.keys()]) if (!next.has(path)) target.delete(path);
  for (const [path, content] of next) if (target.get(path) !== content) target.set(path, content);
}

function depth(path: string): number {
  return posix.resolve('/', path).split('/').filter(Boolean).length;
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '').replace(/^\.$/, '');
}
