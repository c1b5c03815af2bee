// REST paths and query strings, built the way client-go's request builder lays them out:
// `/api/v1/namespaces/NS/pods/NAME/status` for the core group, `/apis/GROUP/VERSION/...` for the others.

/** Where one resource (or collection, or subresource) lives on the apiserver. */
export interface ResourceLocation {
  /** `''` (or absent) for the core group. */
  group?: string;
  version: string;
  /** The plural resource name used in URLs: `pods`, `leases`. */
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** The URL path of a resource location; namespace, name and subresource are path-escaped. */
export function resourcePath(loc: ResourceLocation): string {
  const parts = loc.group ? ['apis', loc.group, loc.version] : ['api', loc.version];
  if (loc.namespace) parts.push('namespaces', encodeURIComponent(loc.namespace));
  parts.push(loc.resource);
  if (loc.name !== undefined) {
    if (loc.name === '') throw new Error('resourcePath: name must not be empty');
    parts.push(encodeURIComponent(loc.name));
    if (loc.subresource) parts.push(loc.subresource);
  } else if (loc.subresource) {
    throw new Error('resourcePath: a subresource needs a name');
  }
  return '/' + parts.join('/');
}

/** Query parameter values; `undefined` entries are left out, booleans and numbers are stringified. */
export type QueryValues = Record<string, string | number | boolean | undefined>;

/** `path` with `query` appended (after any query string `path` already carries). */
export function withQuery(path: string, query: QueryValues): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, String(value));
  }
  const encoded = params.toString();
  if (!encoded) return path;
  return path + (path.includes('?') ? '&' : '?') + encoded;
}
