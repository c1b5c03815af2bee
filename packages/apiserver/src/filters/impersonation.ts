// The impersonation filter (`kubectl --as`, `--as-group`, `--as-uid`): the authenticated user asks to act as
// someone else through Impersonate-* headers. Every requested attribute is authorized on its own, for the
// real user, with verb `impersonate`; only when all are allowed does the request continue as the new user.
// Runs after authentication and before authorization, so authorization judges the impersonated user.
import type { IncomingHttpHeaders } from 'node:http';
import { badRequest } from '@hubspoke/api';
import {
  Groups,
  Users,
  parseServiceAccountUsername,
  serviceAccountGroups,
  serviceAccountUsername,
  type Attributes,
  type Authorizer,
  type UserInfo,
} from '@hubspoke/auth';
import type { ApiRequest } from '../request/context.ts';
import { authorize } from './authorization.ts';

/** The request headers (`authenticationv1.Impersonate*Header`), as Node lower-cases them. */
export const ImpersonateHeaders = {
  user: 'impersonate-user',
  group: 'impersonate-group',
  uid: 'impersonate-uid',
  extraPrefix: 'impersonate-extra-',
} as const;

const AUTHENTICATION_GROUP = 'authentication.k8s.io';

/** One thing a request asks to act as; each is authorized separately. */
export type ImpersonationTarget =
  | { kind: 'User'; name: string }
  | { kind: 'ServiceAccount'; namespace: string; name: string }
  | { kind: 'Group'; name: string }
  | { kind: 'UserExtra'; key: string; value: string }
  | { kind: 'UID'; uid: string };

/** The targets named by `headers`, in Kubernetes' order (user, groups, extras, uid); throws 400 BadRequest
 *  when groups, extras or a uid come without a user. Empty when the request impersonates nobody. */
export function impersonationTargets(headers: IncomingHttpHeaders): ImpersonationTarget[] {
  const targets: ImpersonationTarget[] = [];
  const user = firstValue(headers[ImpersonateHeaders.user]);
  if (user) {
    const sa = parseServiceAccountUsername(user);
    targets.push(sa ? { kind: 'ServiceAccount', ...sa } : { kind: 'User', name: user });
  }
  for (const group of allValues(headers[ImpersonateHeaders.group])) targets.push({ kind: 'Group', name: group });
  for (const [header, raw] of Object.entries(headers)) {
    if (!header.toLowerCase().startsWith(ImpersonateHeaders.extraPrefix)) continue;
    const key = unescapeExtraKey(header.slice(ImpersonateHeaders.extraPrefix.length).toLowerCase());
    for (const value of allValues(raw)) targets.push({ kind: 'UserExtra', key, value });
  }
  const uid = firstValue(headers[ImpersonateHeaders.uid]);
  if (uid) targets.push({ kind: 'UID', uid });

  if (!user && targets.length > 0) {
    throw badRequest(`requested [${targets.map(goObjectReference).join(' ')}] without impersonating a user`);
  }
  return targets;
}

/** The `impersonate` attributes that authorize one target for the real user. */
export function impersonationAttributes(requestor: UserInfo, target: ImpersonationTarget): Attributes {
  const base = { user: requestor, verb: 'impersonate', isResourceRequest: true, apiVersion: 'v1' } as const;
  switch (target.kind) {
    case 'User':
      return { ...base, apiGroup: '', resource: 'users', name: target.name };
    case 'ServiceAccount':
      return { ...base, apiGroup: '', resource: 'serviceaccounts', namespace: target.namespace, name: target.name };
    case 'Group':
      return { ...base, apiGroup: '', resource: 'groups', name: target.name };
    case 'UserExtra':
      return { ...base, apiGroup: AUTHENTICATION_GROUP, resource: 'userextras', subresource: target.key, name: target.value };
    case 'UID':
      return { ...base, apiGroup: AUTHENTICATION_GROUP, resource: 'uids', name: target.uid };
  }
}

/** The user the targets describe. Explicit groups are the whole truth; without them a ServiceAccount gets its
 *  fixed groups. Then `system:authenticated` is added unless either all-users group is already present (for
 *  `system:anonymous`, `system:unauthenticated` instead). */
export function impersonatedUser(targets: ImpersonationTarget[]): UserInfo {
  let name = '';
  let uid: string | undefined;
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  const groupsSpecified = targets.some((t) => t.kind === 'Group');
  for (const t of targets) {
    if (t.kind === 'User') name = t.name;
    else if (t.kind === 'ServiceAccount') {
      name = serviceAccountUsername(t.namespace, t.name);
      if (!groupsSpecified) groups = serviceAccountGroups(t.namespace);
    } else if (t.kind === 'Group') groups.push(t.name);
    else if (t.kind === 'UserExtra') (extra[t.key] ??= []).push(t.value);
    else uid = t.uid;
  }
  if (name !== Users.anonymous) {
    if (!groups.includes(Groups.authenticated) && !groups.includes(Groups.unauthenticated)) groups.push(Groups.authenticated);
  } else if (!groups.includes(Groups.unauthenticated)) groups.push(Groups.unauthenticated);
  return { name, ...(uid ? { uid } : {}), groups, ...(Object.keys(extra).length > 0 ? { extra } : {}) };
}

/** Apply the Impersonate-* headers of an authenticated `req`: 400 when malformed, 403 (worded as RBAC words
 *  it) when the real user may not impersonate one of them. On success `req.user` is the impersonated user,
 *  `req.authenticatedUser` the real one, and the headers are gone, so they never reach a kubelet or a pod. */
export async function impersonate(req: ApiRequest, authorizer: Authorizer): Promise<void> {
  const targets = impersonationTargets(req.headers);
  if (targets.length === 0) return;
  const requestor = req.user!;
  for (const target of targets) await authorize(req, authorizer, impersonationAttributes(requestor, target));
  // The real authorization decision comes later, for the impersonated user.
  req.decision = undefined;
  req.authenticatedUser = requestor;
  req.user = impersonatedUser(targets);
  const exact: string[] = [ImpersonateHeaders.user, ImpersonateHeaders.group, ImpersonateHeaders.uid];
  for (const header of Object.keys(req.headers)) {
    const name = header.toLowerCase();
    if (exact.includes(name) || name.startsWith(ImpersonateHeaders.extraPrefix)) delete req.headers[header];
  }
}

// Node joins repeated headers it does not know with ", "; Go keeps them apart. Splitting back is exact for
// every value without ", " in it, which covers group names and extras as kubectl sends them.
function allValues(raw: string | string[] | undefined): string[] {
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(', '));
}

function firstValue(raw: string | string[] | undefined): string {
  return allValues(raw)[0] ?? '';
}

// Extra keys may be %-encoded (they can hold '/' and other bytes a header name cannot); a malformed encoding
// is kept as sent rather than dropped.
function unescapeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

// Kubernetes prints the requests with Go's %v of a v1.ObjectReference: its seven string fields (Kind,
// Namespace, Name, UID, APIVersion, ResourceVersion, FieldPath) joined by spaces, in braces.
function goObjectReference(t: ImpersonationTarget): string {
  const authV1 = `${AUTHENTICATION_GROUP}/v1`;
  const fields = (() => {
    switch (t.kind) {
      case 'User': return ['User', '', t.name, '', '', '', ''];
      case 'ServiceAccount': return ['ServiceAccount', t.namespace, t.name, '', '', '', ''];
      case 'Group': return ['Group', '', t.name, '', '', '', ''];
      case 'UserExtra': return ['UserExtra', '', t.value, '', authV1, '', t.key];
      case 'UID': return ['UID', '', t.uid, '', authV1, '', ''];
    }
  })();
  return `{${fields.join(' ')}}`;
}
