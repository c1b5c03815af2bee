// The container's file system as the toy shell sees it: read-only, made of the pod's files (spec.files,
// /etc/hostname, /etc/hosts) and the usual top-level directories of a small Linux image.
import { posix } from 'node:path';

const BASE_DIRECTORIES = ['/bin', '/dev', '/etc', '/home', '/proc', '/root', '/sys', '/tmp', '/usr', '/var'];

/** Read-only files and the directories implied by their paths. */
export class VirtualFs {
  constructor(private readonly files: ReadonlyMap<string, string | Buffer>) {}

  kind(path: string): 'file' | 'dir' | undefined {
    if (this.files.has(path)) return 'file';
    return this.directories().has(path) ? 'dir' : undefined;
  }

  read(path: string): Buffer | undefined {
    const content = this.files.get(path);
    if (content === undefined) return undefined;
    return typeof content === 'string' ? Buffer.from(content) : content;
  }

  /** Sorted names in a directory; undefined when it is not one. */
  list(dir: string): string[] | undefined {
    if (this.kind(dir) !== 'dir') return undefined;
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Set<string>();
    for (const path of [...this.files.keys(), ...this.directories()]) {
      if (path.startsWith(prefix) && path.length > prefix.length) names.add(path.slice(prefix.length).split('/')[0]);
    }
    return [...names].sort();
  }

  private directories(): Set<string> {
    const dirs = new Set(['/', ...BASE_DIRECTORIES]);
    for (const path of this.files.keys()) {
      for (let dir = posix.dirname(path); dir !== '/' && !dirs.has(dir); dir = posix.dirname(dir)) dirs.add(dir);
    }
    return dirs;
  }
}

/** An absolute, normalized path for `path` relative to `cwd`. */
export function resolvePath(cwd: string, path: string): string {
  return posix.resolve(cwd, path);
}
