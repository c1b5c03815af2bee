// RBAC objects tests create: the grant monitoring tools often get, `get` on nodes/proxy.
import type { Cluster } from '@hubspoke/lab';

/** ClusterRole `node-proxy-reader` (get nodes/proxy) bound to `user`. */
export async function grantNodesProxyGet(cluster: Cluster, user: string): Promise<void> {
  await cluster.admin.create('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'node-proxy-reader' },
    rules: [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }],
  });
  await cluster.admin.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `${user}-node-proxy-reader` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-proxy-reader' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  });
}
