// What a request to the kubelet API is authorized as (pkg/kubelet/server/auth.go): always `nodes` named after
// this node, in the core group at v1; the verb follows the HTTP method, the subresource the path. So a WebSocket
// exec (a GET) needs only `get nodes/proxy`: Kubernetes documents that permission as not read-only. The gate
// KubeletWebsocketUpgradeCreatePermission (hubspoke's, modelled on the unmerged kubernetes/kubernetes#136550)
// authorizes the command paths as `create` whatever the method.
import type { Attributes, UserInfo } from '@hubspoke/auth';
import { subresourceForPath } from '../routes.ts';

// Only these methods have a verb; Kubernetes authorizes any other (HEAD, OPTIONS) with the empty verb.
const VERBS: Record<string, string> = { GET: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** The authorization verb of an HTTP method: `get`, `create`, `update`, `patch`, `delete`, or ''. */
export function verbForMethod(method: string): string {
  return VERBS[method] ?? '';
}

// The paths that run something in a container or open a tunnel into a pod (#136550's list).
const COMMAND_PATH = /^\/(exec|attach|run|portForward)(\/|$)/;

/** Whether `path` runs a command or opens a stream into a pod: exec, attach, run, portForward. */
export function isCommandPath(path: string): boolean {
  return COMMAND_PATH.test(path);
}

/** How the verb is chosen beyond the HTTP method. */
export interface VerbPolicy {
  /** KubeletWebsocketUpgradeCreatePermission: exec, attach, run and portForward are `create` for any method. */
  commandsNeedCreate?: boolean;
}

/** The request as the authorizer sees it. */
export interface KubeletRequestInfo {
  method: string;
  /** The URL path, without the query. */
  path: string;
}

/** The attributes `user`'s request is authorized with: `nodes/<subresource>` named `nodeName`. */
export function kubeletRequestAttributes(user: UserInfo, request: KubeletRequestInfo, nodeName: string, policy: VerbPolicy = {}): Attributes {
  return {
    user,
    verb: policy.commandsNeedCreate && isCommandPath(request.path) ? 'create' : verbForMethod(request.method),
    isResourceRequest: true,
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'nodes',
    subresource: subresourceForPath(request.path),
    name: nodeName,
    path: request.path,
  };
}
