// @kubernetes/client-node, the JS client, against the in-process cluster: typed reads and writes, a
// watch, and the apiserver's Status errors surfacing as ApiException codes.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';

let cluster: Cluster;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.adminKubeconfig);
});

afterAll(async () => {
  await cluster?.close();
});

describe('@kubernetes/client-node', () => {
  it('lists nodes and sees the kubelet’s registration', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['node-1']);
    const node = nodes.items[0];
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(cluster.kubelets[0].port);
    expect(node.status?.addresses).toEqual(expect.arrayContaining([{ type: 'InternalIP', address: '127.0.10.1' }]));
  });

  it('creates, patches and reads a ConfigMap, and gets 409 on a duplicate', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cfg' }, data: { k: 'v' } } });
    await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'cfg', body: { data: { k: 'w' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const read = await core.readNamespacedConfigMap({ namespace: 'default', name: 'cfg' });
    expect(read.data).toEqual({ k: 'w' });
    await expect(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cfg' } } })).rejects.toMatchObject({ code: 409 });
  });

  it('watches pods and sees one go from Pending to Running', async () => {
    const phases: string[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch(
      '/api/v1/namespaces/default/pods',
      {},
      (type, obj: k8s.V1Pod) => {
        if (obj.metadata?.name === 'watched') phases.push(`${type}:${obj.status?.phase}`);
      },
      () => {},
    );
    try {
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'watched' }, spec: { containers: [{ name: 'c', image: 'hubspoke/logger' }] } } });
      await waitFor(() => phases.includes('MODIFIED:Running'), { timeoutMs: 15_000, what: 'a MODIFIED event with phase Running' });
      expect(phases[0]).toBe('ADDED:Pending');
    } finally {
      req.abort();
    }
  });
});
