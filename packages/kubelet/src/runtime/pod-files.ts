// The files a container sees: the kubelet's projections (spec.files) over a few files every pod has.
import type { PodSandbox } from './types.ts';

/** What the kubelet writes as /etc/hosts (`Kubernetes-managed hosts file`). */
export function managedHostsFile(pod: PodSandbox): string {
  return [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    `${pod.ip}\t${pod.hostname}`,
    '',
  ].join('\n');
}

/** A live read-only view: spec.files first (so the kubelet may replace or refresh any file), then defaults. */
export class PodFiles implements ReadonlyMap<string, string | Buffer> {
  private readonly defaults: Map<string, string>;

  constructor(
    pod: PodSandbox,
    private readonly projected: ReadonlyMap<string, string | Buffer> = new Map(),
  ) {
    this.defaults = new Map([
      ['/etc/hostname', `${pod.hostname}\n`],
      ['/etc/hosts', managedHostsFile(pod)],
    ]);
  }

  get size(): number {
    return [...this.keys()].length;
  }

  get(path: string): string | Buffer | undefined {
    return this.projected.get(path) ?? this.defaults.get(path);
  }

  has(path: string): boolean {
    return this.projected.has(path) || this.defaults.has(path);
  }

  *keys(): MapIterator<string> {
    yield* this.projected.keys();
    for (const path of this.defaults.keys()) if (!this.projected.has(path)) yield path;
  }

  *values(): MapIterator<string | Buffer> {
    for (const path of this.keys()) yield this.get(path)!;
  }

  *entries(): MapIterator<[string, string | Buffer]> {
    for (const path of this.keys()) yield [path, this.get(path)!];
  }

  [Symbol.iterator](): MapIterator<[string, string | Buffer]> {
    return this.entries();
  }

  forEach(callback: (value: string | Buffer, key: string, map: ReadonlyMap<string, string | Buffer>) => void): void {
    for (const [path, value] of this.entries()) callback(value, path, this);
  }
}
