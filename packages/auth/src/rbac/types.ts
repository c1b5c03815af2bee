// The parts of rbac.authorization.k8s.io/v1 objects the authorizer reads, and where they are stored.

/** `rbacv1.PolicyRule`. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** `rbacv1.Subject`. */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount' | string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** `rbacv1.RoleRef`. */
export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole' | string;
  name: string;
}

/** `metav1.LabelSelector`, as aggregation rules use it. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string; values?: string[] }[];
}

/** `rbacv1.AggregationRule`. */
export interface AggregationRule {
  clusterRoleSelectors?: LabelSelector[];
}

/** The ObjectSource resource names of the four RBAC kinds. */
export const RbacResources = {
  roles: 'roles.rbac.authorization.k8s.io',
  clusterRoles: 'clusterroles.rbac.authorization.k8s.io',
  roleBindings: 'rolebindings.rbac.authorization.k8s.io',
  clusterRoleBindings: 'clusterrolebindings.rbac.authorization.k8s.io',
} as const;

/** `rbac.authorization.k8s.io`. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';
