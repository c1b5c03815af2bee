import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory.ts';
import type { Controller } from './context.ts';
import { startControllers } from './index.ts';
import { eventually, recordingLogger } from './test-support.ts';

describe('startControllers', () => {
  let controllers: Controller | undefined;
  afterEach(() => controllers?.stop());

  it('brings up a working cluster: namespaces, service accounts, CA, scheduling and endpoints', async () => {
    const storage = new MemoryStorage();
    controllers = startControllers({
      storage,
      logger: recordingLogger(),
      caPem: 'CA',
      bootstrap: {
        serviceClusterIP: '127.96.0.1',
        secureServingPort: 6443,
        advertiseAddress: '127.0.0.1',
        clusterRoles: [],
        clusterRoleBindings: [],
      },
    });
    await eventually(() => storage.peek('serviceaccounts', 'kube-system', 'default') && storage.peek('configmaps', 'default', 'kube-root-ca.crt'));
    await storage.create('nodes', {
      metadata: { name: 'node-1', creationTimestamp: new Date().toISOString() },
      status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date().toISOString() }] },
    });
    await storage.create('services', { metadata: { name: 'web', namespace: 'default', uid: 's' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    await storage.create('pods', { metadata: { name: 'web', namespace: 'default', uid: 'p', labels: { app: 'web' } }, spec: { containers: [] }, status: { phase: 'Pending' } });
    await eventually(() => (storage.peek('pods', 'default', 'web')?.spec as { nodeName?: string }).nodeName === 'node-1');
    await storage.update('pods', 'default', 'web', (p) => ({
      ...p,
      status: { phase: 'Running', podIP: '127.244.1.2', conditions: [{ type: 'Ready', status: 'True' }] },
    }));
    await eventually(() => storage.peek('endpoints', 'default', 'web')?.subsets);
    expect(storage.peek('endpoints', 'default', 'kubernetes')).toBeTruthy();
  });

  it('starts only the controllers asked for', async () => {
    const storage = new MemoryStorage();
    await storage.create('namespaces', { metadata: { name: 'apps' } });
    controllers = startControllers(
      { storage, logger: recordingLogger(), caPem: 'CA', bootstrap: { serviceClusterIP: '', secureServingPort: 1, advertiseAddress: '', clusterRoles: [], clusterRoleBindings: [] } },
      ['serviceaccount'],
    );
    await eventually(() => storage.peek('serviceaccounts', 'apps', 'default'));
    expect(storage.peek('configmaps', 'apps', 'kube-root-ca.crt')).toBeUndefined();
    expect(storage.peek('namespaces', undefined, 'kube-system')).toBeUndefined();
  });
});
