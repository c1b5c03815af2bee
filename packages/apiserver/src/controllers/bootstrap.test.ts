import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory.ts';
import { ensureBootstrapObjects, startBootstrapController, type BootstrapConfig } from './bootstrap.ts';
import type { Controller } from './context.ts';
import { eventually, recordingLogger } from './test-support.ts';

const config: BootstrapConfig = {
  serviceClusterIP: '127.96.0.1',
  secureServingPort: 6443,
  advertiseAddress: '127.0.0.1',
  clusterRoles: [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cluster-admin' }, rules: [] }],
  clusterRoleBindings: [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'cluster-admin' }, subjects: [] },
  ],
};

const now = () => new Date('2025-01-01T00:00:00Z');

describe('ensureBootstrapObjects', () => {
  it('creates the system namespaces as Kubernetes does', async () => {
    const storage = new MemoryStorage();
    await ensureBootstrapObjects(storage, config, now);
    expect(storage.peekList('namespaces').map((n) => n.metadata.name)).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
    const ns = storage.peek('namespaces', undefined, 'kube-system')!;
    expect(ns).toMatchObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' }, creationTimestamp: '2025-01-01T00:00:00Z' },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    expect(ns.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('stores the given RBAC defaults with uids', async () => {
    const storage = new MemoryStorage();
    await ensureBootstrapObjects(storage, config, now);
    expect(storage.peek('clusterroles.rbac.authorization.k8s.io', undefined, 'cluster-admin')?.metadata.uid).toBeTruthy();
    expect(storage.peek('clusterrolebindings.rbac.authorization.k8s.io', undefined, 'cluster-admin')).toBeTruthy();
  });

  it('publishes the kubernetes Service, Endpoints and EndpointSlice for this apiserver', async () => {
    const storage = new MemoryStorage();
    await ensureBootstrapObjects(storage, config, now);
    expect(storage.peek('services', 'default', 'kubernetes')).toMatchObject({
      metadata: { labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        clusterIP: '127.96.0.1',
        clusterIPs: ['127.96.0.1'],
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
        type: 'ClusterIP',
        sessionAffinity: 'None',
      },
    });
    expect(storage.peek('endpoints', 'default', 'kubernetes')).toMatchObject({
      kind: 'Endpoints',
      metadata: { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    });
    expect(storage.peek('endpointslices.discovery.k8s.io', 'default', 'kubernetes')).toMatchObject({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    });
  });

  it('changes nothing when run again', async () => {
    const storage = new MemoryStorage();
    await ensureBootstrapObjects(storage, config, now);
    const revision = storage.currentResourceVersion();
    await ensureBootstrapObjects(storage, config, now);
    expect(storage.currentResourceVersion()).toBe(revision);
  });
});

describe('bootstrap controller', () => {
  let controller: Controller | undefined;
  afterEach(() => controller?.stop());

  it('puts back a changed Service, a deleted Endpoints and a deleted system namespace', async () => {
    const storage = new MemoryStorage();
    controller = startBootstrapController({ storage, logger: recordingLogger(), now, ...config });
    await eventually(() => storage.peek('endpointslices.discovery.k8s.io', 'default', 'kubernetes'));
    await storage.update('services', 'default', 'kubernetes', (svc) => ({
      ...svc,
      spec: { ...(svc.spec as object), ports: [{ name: 'https', port: 8443, protocol: 'TCP', targetPort: 1 }] },
    }));
    await storage.delete('endpoints', 'default', 'kubernetes');
    await storage.delete('namespaces', undefined, 'kube-public');
    await eventually(() => storage.peek('endpoints', 'default', 'kubernetes') && storage.peek('namespaces', undefined, 'kube-public'));
    await eventually(() => {
      const ports = (storage.peek('services', 'default', 'kubernetes')?.spec as { ports: { port: number }[] }).ports;
      return ports[0].port === 443;
    });
  });
});
