// What a request to the kubelet API is authorized as (pkg/kubelet/server/auth.go): always `nodes` named after
// this node, in the core group at v1; the verb follows the HTTP method, the subresource the path.
import type { Attributes, UserInfo } from '@hubspoke/auth';
import { subresourceForPath } from '../routes.ts';

// Only these methods have a verb; Kubernetes authorizes any other (HEAD, OPTIONS) with the empty verb.
const VERBS: Record<string, string> = { GET: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** The authorization verb of an HTTP method: `get`, `create`, `update`, `patch`, `delete`, or ''. */
export function verbForMethod(method: string): string {
  return VERBS[method] ?? '';
}

/** The request as the authorizer sees it. */
export interface KubeletRequestInfo {
  method: string;
  /** The URL path, without the query. */
  path: string;
}

/** The attributes `user`'s request is authorized with: `nodes/<subresource>` named `nodeName`. */
export function kubeletRequestAttributes(user: UserInfo, request: KubeletRequestInfo, nodeName: string): Attributes {
  return {
    user,
    verb: verbForMethod(request.method),
    isResourceRequest: true,
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'nodes',
    subresource: subresourceForPath(request.path),
    name: nodeName,
    path: request.path,
  };
}
