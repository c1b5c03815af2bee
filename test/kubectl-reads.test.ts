// kubectl's read paths against an in-process cluster: Table columns as on a real cluster, for three minor
// versions, and `get -w` streaming.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl, kubectlSpawn, table, type KubectlVersion } from './support/kubectl.ts';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  await cluster.admin.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'hubspoke/http-server', ports: [{ containerPort: 8080 }] }] },
  });
  await waitFor(async () => {
    const pod = await cluster.admin.get('/api/v1/namespaces/default/pods/web');
    return (pod.status as { phase?: string }).phase === 'Running';
  }, { timeoutMs: 15_000, what: 'pod web Running' });
});

afterAll(async () => {
  await cluster?.close();
});

describe.each<KubectlVersion>(['1.22', '1.27', '1.32', '1.33'])('kubectl %s', (version) => {
  it('lists nodes with the wide columns a real cluster shows', async () => {
    const r = await kubectl(['get', 'nodes', '-o', 'wide'], { kubeconfig: cluster.adminKubeconfig, version });
    expect(r.stderr).toBe('');
    const rows = table(r.stdout);
    expect(rows[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    const byName = new Map(rows.slice(1).map((row) => [row[0], row]));
    expect([...byName.keys()].sort()).toEqual(['node-1', 'node-2']);
    expect(byName.get('node-1')!.slice(1, 3)).toEqual(['Ready', '<none>']);
    expect(byName.get('node-1')![4]).toBe('v1.32.0');
    expect(byName.get('node-1')![5]).toBe('127.0.10.1');
    expect(byName.get('node-2')![5]).toBe('127.0.10.2');
  });

  it('lists pods in all namespaces with READY, STATUS, RESTARTS, IP and NODE', async () => {
    const r = await kubectl(['get', 'pods', '-A', '-o', 'wide'], { kubeconfig: cluster.adminKubeconfig, version });
    expect(r.code).toBe(0);
    const rows = table(r.stdout);
    expect(rows[0].slice(0, 9)).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE']);
    const web = rows.find((row) => row[1] === 'web')!;
    expect(web[0]).toBe('default');
    expect(web.slice(2, 5)).toEqual(['1/1', 'Running', '0']);
    expect(web[6]).toMatch(/^127\.244\.[12]\.\d+$/);
    expect(['node-1', 'node-2']).toContain(web[7]);
  });
});

describe('kubectl 1.32', () => {
  it('lists namespaces, service accounts, services, config maps, secrets and leases across namespaces', async () => {
    const r = await kubectl(['get', 'ns,sa,svc,cm,secrets,leases', '-A'], { kubeconfig: cluster.adminKubeconfig });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/namespace\/kube-system\s+Active/);
    expect(r.stdout).toMatch(/default\s+serviceaccount\/default/);
    expect(r.stdout).toMatch(/default\s+service\/kubernetes\s+ClusterIP\s+127\.96\.0\.1\s+<none>\s+443\/TCP/);
    expect(r.stdout).toMatch(/kube-system\s+configmap\/kube-root-ca\.crt\s+1/);
    expect(r.stdout).toMatch(/kube-node-lease\s+lease\.coordination\.k8s\.io\/node-1\s+node-1/);
  });

  it('streams changes with get -w', async () => {
    const child = await kubectlSpawn(['get', 'pods', '-w'], { kubeconfig: cluster.adminKubeconfig });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out.includes('web'), { timeoutMs: 10_000, what: 'the initial listing' });
      await cluster.admin.create('/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'watched' },
        spec: { containers: [{ name: 'c', image: 'hubspoke/logger' }] },
      });
      await waitFor(() => /watched\s+1\/1\s+Running/.test(out), { timeoutMs: 15_000, what: 'the watched pod Running in the stream' });
      expect(out.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
      expect(out.match(/^NAME\s/gm)).toHaveLength(1);
    } finally {
      child.kill();
    }
  });
});
