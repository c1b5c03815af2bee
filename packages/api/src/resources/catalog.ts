// The catalog of served resources: the generic REST handlers, discovery and RBAC look every kind up here.
import type { ResourceDefinition } from '../resource.ts';
import { GROUP_ORDER, builtinDefinitions } from './groups/index.ts';

/** One API group as discovery lists it. */
export interface CatalogGroup {
  /** '' for the core group. */
  name: string;
  /** Preferred first. */
  versions: string[];
  preferredVersion: string;
}

/** Storage key of a resource: `pods`, `roles.rbac.authorization.k8s.io`. */
export function storageKey(def: Pick<ResourceDefinition, 'group' | 'plural'>): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

// Kubernetes' version priority: GA before beta before alpha, higher numbers first (v2 > v1 > v1beta2 > v1beta1).
function versionRank(version: string): [number, number, number] {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
  if (!m) return [0, 0, 0];
  const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
  return [stability, Number(m[1]), Number(m[3] ?? 0)];
}

/** Orders versions preferred-first. */
export function compareVersions(a: string, b: string): number {
  const ra = versionRank(a);
  const rb = versionRank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
  return a.localeCompare(b);
}

function groupRank(group: string): number {
  if (group === '') return -1;
  const i = GROUP_ORDER.indexOf(group);
  return i === -1 ? GROUP_ORDER.length : i;
}

/** An immutable set of resource definitions with the look-ups handlers need. */
export class ResourceCatalog {
  readonly #defs: ResourceDefinition[];
  readonly #byPath = new Map<string, ResourceDefinition>();

  constructor(definitions: ResourceDefinition[]) {
    this.#defs = [...definitions];
    for (const def of this.#defs) {
      const key = `${def.group}/${def.version}/${def.plural}`;
      if (this.#byPath.has(key)) throw new Error(`duplicate resource ${key}`);
      this.#byPath.set(key, def);
    }
  }

  /** The definition served at `/apis/<group>/<version>/<plural>` (group '' = `/api/v1`). */
  lookup(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.#byPath.get(`${group}/${version}/${plural}`);
  }

  /** A kind in its preferred version (`byKind('', 'Pod')`). */
  byKind(group: string, kind: string): ResourceDefinition | undefined {
    return this.#defs
      .filter((d) => d.group === group && d.kind === kind)
      .sort((a, b) => compareVersions(a.version, b.version))[0];
  }

  /** A resource in its preferred version (`byResource('rbac.authorization.k8s.io', 'roles')`). */
  byResource(group: string, plural: string): ResourceDefinition | undefined {
    return this.#defs
      .filter((d) => d.group === group && d.plural === plural)
      .sort((a, b) => compareVersions(a.version, b.version))[0];
  }

  /** Every definition, in registration order. */
  all(): ResourceDefinition[] {
    return [...this.#defs];
  }

  /** The resources of one group version, sorted by name as discovery lists them. */
  resources(group: string, version: string): ResourceDefinition[] {
    return this.#defs
      .filter((d) => d.group === group && d.version === version)
      .sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
  }

  /** Groups with their versions: core first, then Kubernetes' group order. */
  groups(): CatalogGroup[] {
    const versions = new Map<string, Set<string>>();
    for (const d of this.#defs) {
      if (!versions.has(d.group)) versions.set(d.group, new Set());
      versions.get(d.group)!.add(d.version);
    }
    return [...versions.entries()]
      .sort(([a], [b]) => groupRank(a) - groupRank(b) || a.localeCompare(b))
      .map(([name, set]) => {
        const sorted = [...set].sort(compareVersions);
        return { name, versions: sorted, preferredVersion: sorted[0] };
      });
  }

  /** Storage key of a resource: `pods`, `roles.rbac.authorization.k8s.io`. */
  storageKey(def: ResourceDefinition): string {
    return storageKey(def);
  }
}

/** The catalog of everything hubspoke serves. */
export function defaultCatalog(): ResourceCatalog {
  return new ResourceCatalog(builtinDefinitions());
}
