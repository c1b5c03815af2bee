import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import type { KubeObject } from '@hubspoke/api';
import { createClient } from '@hubspoke/client';
import type { ApiClient } from '@hubspoke/client';
import { startLeaseController } from './lease.ts';
import { startFakeApiserver } from './testing/fake-apiserver.ts';
import type { FakeApiserver } from './testing/fake-apiserver.ts';

let apiserver: FakeApiserver;
let client: ApiClient;

beforeAll(async () => {
  apiserver = await startFakeApiserver();
  client = createClient({ server: apiserver.url, caCert: apiserver.ca.cert });
});
afterAll(async () => {
  client.close();
  await apiserver.close();
});

type Lease = KubeObject & { spec: { holderIdentity: string; renewTime: string; leaseDurationSeconds: number } };
const lease = (name: string) => apiserver.get('leases', 'kube-node-lease', name) as Lease | undefined;

describe('lease controller', () => {
  it('creates the lease when there is none', async () => {
    const controller = startLeaseController({ client, nodeName: 'lease-a', leaseDurationSeconds: 40, renewIntervalMs: 50, logger: pino({ level: 'silent' }) });
    await controller.ready;
    await controller.stop();
    expect(lease('lease-a')?.spec).toMatchObject({ holderIdentity: 'lease-a', leaseDurationSeconds: 40 });
    expect(apiserver.requests.some((r) => r.method === 'POST' && r.path === '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases')).toBe(true);
  });

  it('re-reads and retries after a conflicting write by someone else', async () => {
    const controller = startLeaseController({ client, nodeName: 'lease-b', leaseDurationSeconds: 40, renewIntervalMs: 50, logger: pino({ level: 'silent' }) });
    await controller.ready;
    const stolen = apiserver.put('leases', { ...lease('lease-b')!, spec: { ...lease('lease-b')!.spec, holderIdentity: 'intruder' } });
    const mark = apiserver.requests.length;
    await vi.waitFor(() => {
      expect(lease('lease-b')?.spec.holderIdentity).toBe('lease-b');
      expect(Number(lease('lease-b')?.metadata.resourceVersion)).toBeGreaterThan(Number(stolen.metadata.resourceVersion));
    });
    await controller.stop();
    const after = apiserver.requests.slice(mark).map((r) => `${r.method} ${(r.body as KubeObject | undefined)?.metadata?.resourceVersion ?? ''}`);
    // The stale PUT, then a GET, then a PUT carrying the intruder's resourceVersion.
    const staleIndex = after.findIndex((r) => r.startsWith('PUT ') && r !== `PUT ${stolen.metadata.resourceVersion}`);
    expect(staleIndex).toBeGreaterThanOrEqual(0);
    expect(after.slice(staleIndex)).toContain('GET ');
    expect(after).toContain(`PUT ${stolen.metadata.resourceVersion}`);
  });

  it('keeps renewing on its interval', async () => {
    const controller = startLeaseController({ client, nodeName: 'lease-c', leaseDurationSeconds: 40, renewIntervalMs: 30, logger: pino({ level: 'silent' }) });
    await controller.ready;
    const times = new Set<string>();
    await vi.waitFor(() => {
      times.add(lease('lease-c')!.spec.renewTime);
      expect(times.size).toBeGreaterThanOrEqual(3);
    });
    await controller.stop();
    const count = apiserver.requests.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(apiserver.requests.length).toBe(count);
  });
});
