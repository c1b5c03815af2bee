// Where the path of a nodes/pods/services proxy request splits: the part up to `…/ID/proxy` names the object
// (and is where redirects must lead back to), the rest goes to the backend. Both come from the path alone —
// an absolute-form request target (`GET https://elsewhere/api/…`) names a host only the client chose.

import { requestPath } from '../request/request-info.ts';

/** A proxy request's path split at its `/proxy` segment; the query belongs to neither part. */
export interface ProxyPath {
  /** Up to and including `/proxy`, still escaped. */
  prefix: string;
  /** What followed `/proxy`, still escaped; '' when nothing did. */
  rest: string;
}

/** Split the request target at the first `…/{nodes,pods,services}/ID/proxy`. */
export function proxyPath(rawUrl: string): ProxyPath {
  const path = requestPath(rawUrl);
  const m = /^(.*?\/(?:nodes|pods|services)\/[^/]+\/proxy)(\/.*)?$/.exec(path);
  return m ? { prefix: m[1], rest: m[2] ?? '' } : { prefix: path, rest: '' };
}

/**
 * The URL the backend is asked for: `origin` (scheme and authority, decided by the caller) plus the path after
 * `/proxy` and the query. Dot segments resolve against the backend's root and never climb out of it, as
 * Kubernetes' path.Join does; the authority can only come from `origin`, since the rest starts with `/`.
 */
export function backendUrl(origin: string, rawUrl: string): URL {
  const { rest } = proxyPath(rawUrl);
  const search = new URL(rawUrl, 'http://x').search;
  return new URL(`${origin}${rest || '/'}${search}`);
}
