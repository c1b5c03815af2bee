import type { KubeObject } from '@hubspoke/api';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory.ts';
import type { Controller } from './context.ts';
import { startEndpointsController } from './endpoints.ts';
import { eventually, recordingLogger } from './test-support.ts';

function service(name: string, spec: object = { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] }): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { team: 'a' } }, spec };
}

function pod(name: string, ip: string, ready = true): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'c' }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const ips = (storage: MemoryStorage) => {
  const subsets = (storage.peek('endpoints', 'default', 'web')?.subsets ?? []) as { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[] }[];
  return {
    ready: subsets.flatMap((s) => s.addresses ?? []).map((a) => a.ip),
    notReady: subsets.flatMap((s) => s.notReadyAddresses ?? []).map((a) => a.ip),
  };
};
const slicesOf = (storage: MemoryStorage, svc = 'web') =>
  storage.peekList('endpointslices.discovery.k8s.io', 'default').filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);

describe('endpoints controller', () => {
  let controller: Controller | undefined;
  afterEach(() => controller?.stop());

  it('keeps Endpoints and an EndpointSlice in step with the selected pods', async () => {
    const storage = new MemoryStorage();
    await storage.create('pods', pod('a', '127.244.1.2'));
    await storage.create('services', service('web'));
    controller = startEndpointsController({ storage, logger: recordingLogger() });
    await eventually(() => ips(storage).ready.length === 1);
    await storage.create('pods', pod('b', '127.244.1.3', false));
    await eventually(() => ips(storage).notReady.length === 1);
    expect(ips(storage)).toEqual({ ready: ['127.244.1.2'], notReady: ['127.244.1.3'] });
    expect(storage.peek('endpoints', 'default', 'web')).toMatchObject({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { labels: { team: 'a' } },
      subsets: [{ ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
    });
    const [slice] = slicesOf(storage);
    expect(slice).toMatchObject({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      addressType: 'IPv4',
      metadata: {
        generateName: 'web-',
        labels: { team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }],
      },
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    expect(slice.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect((slice.endpoints as { addresses: string[] }[]).map((e) => e.addresses[0])).toEqual(['127.244.1.2', '127.244.1.3']);

    await storage.update('pods', 'default', 'b', (p) => ({ ...p, status: { ...(p.status as object), conditions: [{ type: 'Ready', status: 'True' }] } }));
    await eventually(() => ips(storage).ready.length === 2);
    await storage.update('pods', 'default', 'a', (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'other' } } }));
    await eventually(() => ips(storage).ready.length === 1);
    await storage.delete('pods', 'default', 'b');
    await eventually(() => !storage.peek('endpoints', 'default', 'web')?.subsets);
    expect(slicesOf(storage)).toHaveLength(1);
    expect(slicesOf(storage)[0].endpoints).toEqual([]);
  });

  it('removes Endpoints and slices when the service goes', async () => {
    const storage = new MemoryStorage();
    await storage.create('pods', pod('a', '127.244.1.2'));
    await storage.create('services', service('web'));
    controller = startEndpointsController({ storage, logger: recordingLogger() });
    await eventually(() => slicesOf(storage).length === 1 && storage.peek('endpoints', 'default', 'web'));
    await storage.delete('services', 'default', 'web');
    await eventually(() => slicesOf(storage).length === 0 && !storage.peek('endpoints', 'default', 'web'));
  });

  it('puts back an Endpoints object someone edited', async () => {
    const storage = new MemoryStorage();
    await storage.create('pods', pod('a', '127.244.1.2'));
    await storage.create('services', service('web'));
    controller = startEndpointsController({ storage, logger: recordingLogger() });
    await eventually(() => ips(storage).ready.length === 1);
    await storage.update('endpoints', 'default', 'web', (ep) => ({ ...ep, subsets: [{ addresses: [{ ip: '6.6.6.6' }], ports: [{ port: 80, protocol: 'TCP' }] }] }));
    await eventually(() => ips(storage).ready[0] === '127.244.1.2');
  });

  it('leaves services without a selector and the kubernetes service alone', async () => {
    const storage = new MemoryStorage();
    await storage.create('pods', pod('a', '127.244.1.2'));
    await storage.create('services', service('manual', { ports: [{ port: 80 }] }));
    const manual = await storage.create('endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] });
    await storage.create('services', service('kubernetes'));
    await storage.create('services', service('marker'));
    controller = startEndpointsController({ storage, logger: recordingLogger() });
    await eventually(() => storage.peek('endpoints', 'default', 'marker'));
    expect(storage.peek('endpoints', 'default', 'manual')?.metadata.resourceVersion).toBe(manual.metadata.resourceVersion);
    expect(storage.peek('endpoints', 'default', 'kubernetes')).toBeUndefined();
  });
});
