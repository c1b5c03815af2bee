// The control loops and the audit log, seen from outside: a node whose kubelet stops goes NotReady when its
// Lease expires; deleting a namespace removes what it holds; every request leaves an audit.k8s.io/v1 event.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl, table } from './support/kubectl.ts';

let cluster: Cluster;
let auditPath: string;
const k = (args: string[]) => kubectl(args, { kubeconfig: cluster.adminKubeconfig });

beforeAll(async () => {
  cluster = await startCluster({
    nodes: 2,
    apiserver: { nodeMonitorGracePeriodMs: 1500 },
    kubelet: { leaseRenewIntervalMs: 200, nodeStatusUpdateFrequencyMs: 500 },
  });
});

afterAll(async () => {
  await cluster?.close();
});

describe('control loops', () => {
  it('deletes everything in a namespace when the namespace is deleted', async () => {
    expect((await k(['create', 'namespace', 'scratch'])).stdout.trim()).toBe('namespace/scratch created');
    await waitFor(async () => (await k(['get', 'serviceaccount', 'default', '-n', 'scratch'])).code === 0, { what: 'the default ServiceAccount' });
    expect((await k(['get', 'configmap', 'kube-root-ca.crt', '-n', 'scratch', '-o', 'jsonpath={.data.ca\\.crt}'])).stdout).toBe(cluster.pki.ca.cert);
    await k(['run', 'tmp', '-n', 'scratch', '--image=hubspoke/logger']);
    await k(['create', 'configmap', 'c', '-n', 'scratch', '--from-literal=a=b']);
    const del = await k(['delete', 'namespace', 'scratch']);
    expect(del.stdout.trim()).toBe('namespace "scratch" deleted');
    const gone = await k(['get', 'namespace', 'scratch']);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): namespaces "scratch" not found');
    expect(cluster.kubelets.flatMap((kl) => kl.pods()).some((p) => p.metadata.namespace === 'scratch')).toBe(false);
  });

  it('refuses to delete the default namespace', async () => {
    const r = await k(['delete', 'namespace', 'default']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted');
  });

  it('marks a node NotReady when its kubelet stops renewing its Lease', async () => {
    const victim = cluster.kubelets[1];
    await victim.stop();
    await waitFor(async () => /node-2\s+NotReady/.test((await k(['get', 'nodes'])).stdout), { timeoutMs: 15_000, what: 'node-2 NotReady' });
    const ready = JSON.parse((await k(['get', 'node', 'node-2', '-o', 'json'])).stdout).status.conditions.find((c: { type: string }) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    const rows = table((await k(['get', 'nodes'])).stdout);
    expect(rows.find((r) => r[0] === 'node-1')![1]).toBe('Ready');
  });
});

describe('audit log', () => {
  let audited: Cluster;
  beforeAll(async () => {
    audited = await startCluster({ nodes: 1 });
    auditPath = join(audited.dir, 'audit.log');
    await audited.close();
    audited = await startCluster({ nodes: 1, apiserver: { auditLogPath: auditPath } });
  });
  afterAll(async () => {
    await audited?.close();
  });

  it('writes an audit.k8s.io/v1 event per request with user, verb, object and decision', async () => {
    const r = await kubectl(['get', 'pods', '-n', 'kube-system'], { kubeconfig: audited.adminKubeconfig });
    expect(r.code).toBe(0);
    await waitFor(async () => (await readFile(auditPath, 'utf8').catch(() => '')).includes('"resource":"pods"'), { what: 'the audit event' });
    const events = (await readFile(auditPath, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const list = events.find((e) => e.objectRef?.resource === 'pods' && e.verb === 'list' && e.objectRef.namespace === 'kube-system');
    expect(list).toMatchObject({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      stage: 'ResponseComplete',
      user: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      responseStatus: { code: 200 },
      annotations: { 'authorization.k8s.io/decision': 'allow' },
    });
    expect(list.annotations['authorization.k8s.io/reason']).toContain('RBAC: allowed by ClusterRoleBinding "cluster-admin"');
    expect(list.userAgent).toMatch(/^kubectl/);
  });
});
