// The text and Status of the apiserver's 403 (endpoints/handlers/responsewriters.Forbidden).
import { forbidden, type ApiError } from '@hubspoke/api';
import type { Attributes } from './types.ts';

/**
 * `pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns"`, with
 * `: <reason>` appended when an authorizer gave one; `forbidden: User "u" cannot get path "/foo"` for
 * non-resource requests.
 */
export function forbiddenMessage(attrs: Attributes, reason?: string): string {
  const detail = sanitize(describe(attrs));
  const err = reason ? `${detail}: ${reason}` : detail;
  if (!attrs.isResourceRequest || !attrs.resource) return `forbidden: ${err}`;
  const qualified = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
  return attrs.name ? `${qualified} "${attrs.name}" is forbidden: ${err}` : `${qualified} is forbidden: ${err}`;
}

/** The 403 ApiError with the message above and Kubernetes' details (`name`, `group`, `kind` = resource). */
export function forbiddenError(attrs: Attributes, reason?: string): ApiError {
  const details: { name?: string; group?: string; kind?: string } = {};
  if (attrs.isResourceRequest) {
    if (attrs.name) details.name = attrs.name;
    if (attrs.apiGroup) details.group = attrs.apiGroup;
    if (attrs.resource) details.kind = attrs.resource;
  }
  return forbidden(forbiddenMessage(attrs, reason), details);
}

function describe(attrs: Attributes): string {
  const user = JSON.stringify(attrs.user.name);
  if (!attrs.isResourceRequest) return `User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path ?? '')}`;
  const resource = attrs.subresource ? `${attrs.resource ?? ''}/${attrs.subresource}` : (attrs.resource ?? '');
  const what = `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup ?? '')}`;
  return attrs.namespace ? `${what} in the namespace ${JSON.stringify(attrs.namespace)}` : `${what} at the cluster scope`;
}

// The apiserver escapes what could read as HTML; quotes stay.
function sanitize(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
