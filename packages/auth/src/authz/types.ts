// The authorization contract (`authorizer.Attributes` and `authorizer.Decision`).
import type { UserInfo } from '../user.ts';

/** What is being asked for. */
export interface Attributes {
  user: UserInfo;
  verb: string;
  /** True for `/api/...` and `/apis/...` resource paths; false for non-resource URLs like `/healthz`. */
  isResourceRequest: boolean;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The URL path, for non-resource requests. */
  path?: string;
  /**
   * The request's field selector requirements (`?fieldSelector=`, or a SubjectAccessReview's), when it had a
   * parsable one: the Node authorizer lets a node list/watch pods only with `spec.nodeName=<itself>`.
   */
  fieldSelector?: readonly import('@hubspoke/api').FieldRequirement[];
}

/** An authorizer's answer; `reason` is shown to users after the Forbidden message. */
export type Decision =
  | { kind: 'allow'; reason?: string }
  | { kind: 'deny'; reason?: string }
  | { kind: 'no-opinion'; reason?: string };

/** Decides whether a user may do something. */
export interface Authorizer {
  readonly name: string;
  authorize(attrs: Attributes): Promise<Decision> | Decision;
}

/** Read access to the objects authorizers consult (RBAC bindings, pods for the Node authorizer). */
export interface ObjectSource {
  get(resource: string, namespace: string | undefined, name: string): import('@hubspoke/api').KubeObject | undefined;
  list(resource: string, namespace?: string): import('@hubspoke/api').KubeObject[];
}
