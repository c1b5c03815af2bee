// Discovery documents, built from the catalog: the legacy ones (`/api` APIVersions, `/apis` APIGroupList,
// per-version APIResourceList) and aggregated discovery (APIGroupDiscoveryList in apidiscovery.k8s.io v2 and
// v2beta1), which kubectl ≥1.27 asks for first. kubectl needs every resource to carry a kind and verbs, and
// subresources to be listed, or `get`, `logs`, `exec` and `auth can-i` misbehave.
import { createHash } from 'node:crypto';
import type { ResourceDefinition } from '../resource.ts';
import type { ResourceCatalog } from './catalog.ts';
import { subresourcesOf } from './subresources.ts';

/** Where clients should reach this server. */
export interface DiscoveryOptions {
  /** `host:port` advertised in serverAddressByClientCIDRs. */
  serverAddress: string;
}

/** `metav1.APIVersions` (`GET /api`). */
export interface APIVersions {
  kind: 'APIVersions';
  versions: string[];
  serverAddressByClientCIDRs: { clientCIDR: string; serverAddress: string }[];
}

/** `metav1.GroupVersionForDiscovery`. */
export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

/** `metav1.APIGroup`. */
export interface APIGroup {
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

/** `metav1.APIGroupList` (`GET /apis`). */
export interface APIGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: APIGroup[];
}

/** `metav1.APIResource`. */
export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

/** `metav1.APIResourceList` (`GET /api/v1`, `GET /apis/<g>/<v>`). */
export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion?: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

/** `metav1.GroupVersionKind` as aggregated discovery writes it. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** `apidiscovery.APISubresourceDiscovery`. */
export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

/** `apidiscovery.APIResourceDiscovery`. */
export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

/** `apidiscovery.APIVersionDiscovery`. */
export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current' | 'Stale';
}

/** `apidiscovery.APIGroupDiscovery`. */
export interface APIGroupDiscovery {
  metadata: { name?: string; creationTimestamp: null };
  versions: APIVersionDiscovery[];
}

/** The aggregated discovery versions kubectl asks for (1.27 only knows v2beta1). */
export type AggregatedDiscoveryVersion = 'v2' | 'v2beta1';

/** `apidiscovery.APIGroupDiscoveryList`. */
export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: `apidiscovery.k8s.io/${AggregatedDiscoveryVersion}`;
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

/** The Content-Type of an aggregated discovery answer. */
export function aggregatedDiscoveryContentType(version: AggregatedDiscoveryVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** `discovery.StorageVersionHash`: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

/** `GET /api`. */
export function apiVersions(catalog: ResourceCatalog, opts: DiscoveryOptions): APIVersions {
  const core = catalog.groups().find((g) => g.name === '');
  return {
    kind: 'APIVersions',
    versions: core?.versions ?? [],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: opts.serverAddress }],
  };
}

/** `GET /apis`: every named group, in Kubernetes' order. */
export function apiGroupList(catalog: ResourceCatalog): APIGroupList {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: catalog.groups().filter((g) => g.name !== '').map(toAPIGroup) };
}

/** `GET /apis/<group>` (`metav1.APIGroup` with kind), undefined for an unknown group. */
export function apiGroup(catalog: ResourceCatalog, group: string): (APIGroup & { kind: 'APIGroup'; apiVersion: 'v1' }) | undefined {
  const g = catalog.groups().find((x) => x.name === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...toAPIGroup(g) } : undefined;
}

function toAPIGroup(g: { name: string; versions: string[]; preferredVersion: string }): APIGroup {
  const gv = (v: string) => ({ groupVersion: `${g.name}/${v}`, version: v });
  return { name: g.name, versions: g.versions.map(gv), preferredVersion: gv(g.preferredVersion) };
}

/** `GET /api/v1` or `/apis/<group>/<version>`; undefined when nothing is served there. */
export function apiResourceList(catalog: ResourceCatalog, group: string, version: string): APIResourceList | undefined {
  const defs = catalog.resources(group, version);
  if (defs.length === 0) return undefined;
  const resources = defs.flatMap((def) => [toAPIResource(def), ...subresourceEntries(def)]);
  resources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // The core list is written without apiVersion, group lists with it, as kube-apiserver does.
  return group === ''
    ? { kind: 'APIResourceList', groupVersion: version, resources }
    : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources };
}

function toAPIResource(def: ResourceDefinition): APIResource {
  const r: APIResource = {
    name: def.plural,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: [...def.verbs],
  };
  if (def.shortNames?.length) r.shortNames = [...def.shortNames];
  if (def.categories?.length) r.categories = [...def.categories];
  if (!def.virtual) r.storageVersionHash = storageVersionHash(def.group, def.version, def.kind);
  return r;
}

function subresourceEntries(def: ResourceDefinition): APIResource[] {
  return subresourcesOf(def).map((sub) => {
    const r: APIResource = { name: `${def.plural}/${sub.name}`, singularName: '', namespaced: def.namespaced, kind: sub.kind, verbs: sub.verbs };
    // Group and version appear only when the subresource answers with another group's kind.
    if (sub.group !== def.group || sub.version !== def.version) {
      r.group = sub.group;
      r.version = sub.version;
    }
    return r;
  });
}

/** Aggregated discovery for `/api` (`scope: 'core'`) or `/apis` (`scope: 'groups'`). */
export function aggregatedDiscovery(
  catalog: ResourceCatalog,
  opts: { scope: 'core' | 'groups'; version?: AggregatedDiscoveryVersion },
): APIGroupDiscoveryList {
  const version = opts.version ?? 'v2';
  const groups = catalog.groups().filter((g) => (opts.scope === 'core' ? g.name === '' : g.name !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: g.name ? { name: g.name, creationTimestamp: null } : { creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: catalog.resources(g.name, v).map(toResourceDiscovery),
        freshness: 'Current' as const,
      })),
    })),
  };
}

function toResourceDiscovery(def: ResourceDefinition): APIResourceDiscovery {
  const r: APIResourceDiscovery = {
    resource: def.plural,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: [...def.verbs],
  };
  if (def.shortNames?.length) r.shortNames = [...def.shortNames];
  if (def.categories?.length) r.categories = [...def.categories];
  const subs = subresourcesOf(def);
  if (subs.length > 0) {
    r.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group, version: s.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return r;
}
