// What discovery says about each subresource: its response kind (sometimes from another group, like
// `serviceaccounts/token` → authentication.k8s.io/v1 TokenRequest) and its verbs, as kube-apiserver lists them.
import type { ResourceDefinition } from '../resource.ts';

/** One subresource as discovery describes it. */
export interface SubresourceInfo {
  /** `log`, not `pods/log`. */
  name: string;
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

type Known = { verbs: string[]; kind?: (parent: ResourceDefinition) => string; group?: string; version?: string };

const READ_WRITE = ['get', 'patch', 'update'];

const KNOWN: Record<string, Known> = {
  status: { verbs: READ_WRITE },
  approval: { verbs: READ_WRITE },
  ephemeralcontainers: { verbs: READ_WRITE },
  finalize: { verbs: ['update'] },
  log: { verbs: ['get'] },
  binding: { verbs: ['create'], kind: () => 'Binding', group: '', version: 'v1' },
  exec: { verbs: ['create', 'get'], kind: () => 'PodExecOptions' },
  attach: { verbs: ['create', 'get'], kind: () => 'PodAttachOptions' },
  portforward: { verbs: ['create', 'get'], kind: () => 'PodPortForwardOptions' },
  proxy: { verbs: ['create', 'delete', 'get', 'patch', 'update'], kind: (p) => `${p.kind}ProxyOptions` },
  token: { verbs: ['create'], kind: () => 'TokenRequest', group: 'authentication.k8s.io', version: 'v1' },
  eviction: { verbs: ['create'], kind: () => 'Eviction', group: 'policy', version: 'v1' },
  scale: { verbs: READ_WRITE, kind: () => 'Scale', group: 'autoscaling', version: 'v1' },
};

/** Discovery facts for `parent/<name>`; an unknown subresource reads as the parent kind with `get`. */
export function subresourceInfo(parent: ResourceDefinition, name: string): SubresourceInfo {
  const known = KNOWN[name] ?? { verbs: ['get'] };
  return {
    name,
    group: known.group ?? parent.group,
    version: known.version ?? parent.version,
    kind: known.kind?.(parent) ?? parent.kind,
    verbs: [...known.verbs],
  };
}

/** All subresources of a definition, sorted by name. */
export function subresourcesOf(parent: ResourceDefinition): SubresourceInfo[] {
  return [...(parent.subresources ?? [])].sort().map((s) => subresourceInfo(parent, s));
}
