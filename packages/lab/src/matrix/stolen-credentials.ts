// The credentials the matrix's attacker holds without having been given them: a monitoring agent's token (a
// ServiceAccount granted only `get nodes/proxy`, as metrics scrapers often are) and a pod's own token (what its
// projected volume holds: a TokenRequest bound to the pod, as the kubelet makes one). Both are minted here with
// the admin's client, the way the cluster mints them; the attack is what the attacker does with them.
import type { ApiClient } from '@hubspoke/client';

/** The monitoring agent's ServiceAccount (default namespace) and its one grant. */
export const MONITOR = 'monitor';

/** A token for a ServiceAccount allowed `get nodes/proxy` and nothing else. */
export async function monitorToken(admin: ApiClient): Promise<string> {
  await admin.create('/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: MONITOR } });
  await admin.create('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'nodes-proxy-get' },
    rules: [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }],
  });
  await admin.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: MONITOR },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'nodes-proxy-get' },
    subjects: [{ kind: 'ServiceAccount', name: MONITOR, namespace: 'default' }],
  });
  return requestToken(admin, MONITOR, undefined);
}

/** The token `pod`'s projected volume would hold: its ServiceAccount's, bound to the pod. */
export async function podToken(admin: ApiClient, pod: string): Promise<string> {
  const object = await admin.get<{ metadata: { uid: string }; spec: { serviceAccountName?: string } }>(`/api/v1/namespaces/default/pods/${pod}`);
  return requestToken(admin, object.spec.serviceAccountName ?? 'default', { kind: 'Pod', apiVersion: 'v1', name: pod, uid: object.metadata.uid });
}

/** Delete `pod` at once and wait until the apiserver no longer has it. */
export async function deletePodNow(admin: ApiClient, pod: string, timeoutMs = 15_000): Promise<void> {
  await admin.delete(`/api/v1/namespaces/default/pods/${pod}`, { gracePeriodSeconds: 0 });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await admin.raw('GET', `/api/v1/namespaces/default/pods/${pod}`);
    if (res.status === 404) return;
    if (Date.now() > deadline) throw new Error(`pod ${pod} still exists ${timeoutMs} ms after its deletion`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function requestToken(admin: ApiClient, serviceAccount: string, boundObjectRef: Record<string, string> | undefined): Promise<string> {
  const review = await admin.create<{ status: { token: string } }>(`/api/v1/namespaces/default/serviceaccounts/${serviceAccount}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600, ...(boundObjectRef ? { boundObjectRef } : {}) },
  });
  return review.status.token;
}
