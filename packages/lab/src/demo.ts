// What a fresh lab contains besides the control plane: a few demo pods and two static-token users, so the
// first kubectl commands have something to show.
import type { ApiClient } from '@hubspoke/client';
import type { StaticToken } from './cluster.ts';

/** Token users of the lab: alice has no RBAC permission at all, bob may view the default namespace. */
export const LAB_TOKENS: StaticToken[] = [
  { token: 'alice-token-0000000000000000', user: 'alice', uid: '1001', groups: ['developers'] },
  { token: 'bob-token-00000000000000000000', user: 'bob', uid: '1002', groups: ['viewers'] },
];

/** Demo pods: a web server, a logger, an interactive shell and an in-cluster API client. */
export const DEMO_PODS = [
  { name: 'web', image: 'hubspoke/http-server', ports: [{ containerPort: 8080, name: 'http' }], labels: { app: 'web' } },
  { name: 'logger', image: 'hubspoke/logger', labels: { app: 'logger' } },
  { name: 'shell', image: 'hubspoke/shell', stdin: true, tty: true, labels: { app: 'shell' } },
  // Dials the kubernetes Service VIP with its ServiceAccount token: Forbidden until someone grants it a role.
  { name: 'api-client', image: 'hubspoke/client', labels: { app: 'api-client' } },
];

/** Create the demo objects (idempotent enough for a fresh lab). */
export async function createDemo(client: ApiClient): Promise<void> {
  for (const p of DEMO_PODS) {
    await client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: p.name, labels: p.labels },
      spec: {
        containers: [
          {
            name: p.name,
            image: p.image,
            ...(p.ports ? { ports: p.ports } : {}),
            ...(p.stdin ? { stdin: true, tty: p.tty } : {}),
          },
        ],
      },
    });
  }
  await client.create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'viewers-can-view' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'viewers' }],
  });
}
