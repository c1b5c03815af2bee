// Pods the streaming tests run, and a wait for them to be Running.
import type { Cluster } from '@hubspoke/lab';
import { waitFor } from '@hubspoke/lab';

/** Create a one-container pod in `default`. */
export async function createPod(
  cluster: Cluster,
  name: string,
  container: Record<string, unknown>,
  spec: Record<string, unknown> = {},
): Promise<void> {
  await cluster.admin.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name, ...container }], ...spec },
  });
}

/** Wait until the pod reports phase Running (and, optionally, a restart count of at least `restarts`). */
export async function waitRunning(cluster: Cluster, name: string, restarts = 0): Promise<void> {
  await waitFor(
    async () => {
      const pod = await cluster.admin.get(`/api/v1/namespaces/default/pods/${name}`);
      const status = pod.status as { phase?: string; containerStatuses?: { restartCount: number }[] };
      return status.phase === 'Running' && (status.containerStatuses?.[0]?.restartCount ?? 0) >= restarts;
    },
    { timeoutMs: 20_000, what: `pod ${name} Running` },
  );
}
