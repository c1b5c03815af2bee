// Who made a request (`user.Info`).

/** The authenticated (or anonymous) user. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Well-known user and group names. */
export const Users = {
  anonymous: 'system:anonymous',
  apiserver: 'system:apiserver',
  kubeProxy: 'system:kube-proxy',
} as const;

export const Groups = {
  authenticated: 'system:authenticated',
  unauthenticated: 'system:unauthenticated',
  masters: 'system:masters',
  nodes: 'system:nodes',
  bootstrappers: 'system:bootstrappers',
  serviceAccounts: 'system:serviceaccounts',
} as const;

/** The user with `system:authenticated` added once, as every authenticated request gets it. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === Users.anonymous || user.groups.includes(Groups.authenticated)) return user;
  return { ...user, groups: [...user.groups, Groups.authenticated] };
}
