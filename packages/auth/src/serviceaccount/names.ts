// How a ServiceAccount appears as a user: the username, groups and `extra` keys Kubernetes gives it. Shared by
// the token authenticator (which mints these users) and RBAC (which matches ServiceAccount subjects).

const USERNAME_PREFIX = 'system:serviceaccount:';

/** `system:serviceaccount:<namespace>:<name>`. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${USERNAME_PREFIX}${namespace}:${name}`;
}

/** The namespace and name inside a ServiceAccount username, or undefined for any other user. */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(USERNAME_PREFIX)) return undefined;
  const [namespace, name, ...rest] = username.slice(USERNAME_PREFIX.length).split(':');
  if (!namespace || !name || rest.length > 0) return undefined;
  return { namespace, name };
}

/** `system:serviceaccounts` and `system:serviceaccounts:<namespace>`. */
export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
}

/** The `user.extra` keys a bound token adds (`authentication.kubernetes.io/…`). */
export const ServiceAccountExtra = {
  podName: 'authentication.kubernetes.io/pod-name',
  podUID: 'authentication.kubernetes.io/pod-uid',
  nodeName: 'authentication.kubernetes.io/node-name',
  nodeUID: 'authentication.kubernetes.io/node-uid',
  credentialID: 'authentication.kubernetes.io/credential-id',
} as const;
