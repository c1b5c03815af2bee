// Turns a URL and method into what authorization and routing need (the apiserver's RequestInfoFactory):
// is it an API resource, which group/version/resource/namespace/name/subresource, and which verb.

/** Everything known about a request's target before authentication. */
export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  verb: string;
  /** `api` or `apis` for resource requests. */
  apiPrefix?: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments after the subresource (the proxy path of `…/proxy/a/b`). */
  rest: string[];
  /** Raw query parameters. */
  query: URLSearchParams;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const METHOD_VERBS: Record<string, string> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
  OPTIONS: 'options',
};

/** Parse a request target; never throws (unknown shapes become non-resource requests). */
export function parseRequestInfo(method: string, rawUrl: string): RequestInfo {
  const url = new URL(rawUrl, 'http://x');
  // The path exactly as sent: a URL parser would resolve `..`, `%2e%2e` and `\` segments, turning
  // `…/pods/web/proxy/../../../secrets` into another request than the one Kubernetes (which never resolves
  // them) serves, and letting `/apis/%2e%2e/api/…/exec` slip past `kubectl proxy --reject-paths`.
  const path = requestPath(rawUrl);
  const query = url.searchParams;
  const verbFromMethod = METHOD_VERBS[method.toUpperCase()] ?? method.toLowerCase();
  const base: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: verbFromMethod,
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    rest: [],
    query,
  };
  const decoded = path.split('/').filter(Boolean).map(safeDecode);
  if (decoded.length < 2 || (decoded[0] !== 'api' && decoded[0] !== 'apis')) return base;

  const info = { ...base, apiPrefix: decoded[0] };
  let rest = decoded.slice(1);
  if (info.apiPrefix === 'apis') {
    if (rest.length < 2) return base; // /apis and /apis/<group> are discovery, not resources
    info.apiGroup = rest[0];
    rest = rest.slice(1);
  }
  info.apiVersion = rest[0];
  rest = rest.slice(1);
  if (rest.length === 0) return base; // /api/v1, /apis/g/v: discovery

  info.isResourceRequest = true;
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length > 1) {
    info.namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
  }
  info.resource = rest[0] ?? '';
  info.name = rest[1] ?? '';
  info.subresource = rest[2] ?? '';
  info.rest = rest.slice(3);

  if (watchPrefix) info.verb = 'watch';
  else if (info.verb === 'get' && !info.name) info.verb = isWatch(query) ? 'watch' : 'list';
  else if (info.verb === 'get' && isWatch(query)) info.verb = 'watch';
  else if (info.verb === 'delete' && !info.name) info.verb = 'deletecollection';
  // A list or watch narrowed to one name is authorized as a request for that name (RequestInfoFactory does
  // the same), so a kubelet may watch its own Node.
  if ((info.verb === 'list' || info.verb === 'watch') && !info.name) {
    const name = nameFromFieldSelector(query.get('fieldSelector'));
    if (name) info.name = name;
  }
  return info;
}

function nameFromFieldSelector(selector: string | null): string | undefined {
  if (!selector) return undefined;
  for (const term of selector.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.+?)\s*$/.exec(term);
    if (m) return m[1];
  }
  return undefined;
}

function isWatch(query: URLSearchParams): boolean {
  const w = query.get('watch');
  return w === 'true' || w === '1';
}

/** The path of an origin-form (`/a/b?q`) or absolute-form (`https://host/a/b?q`) request target, unresolved. */
export function requestPath(rawUrl: string): string {
  const withoutAuthority = rawUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const path = withoutAuthority.split(/[?#]/, 1)[0];
  return path.startsWith('/') ? path : `/${path}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
