import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory.ts';
import type { Controller } from './context.ts';
import { startServiceAccountController } from './serviceaccount.ts';
import { eventually, recordingLogger } from './test-support.ts';

const namespace = (name: string, extra: object = {}) => ({ metadata: { name, ...extra }, status: { phase: 'Active' } });

describe('serviceaccount controller', () => {
  let controller: Controller | undefined;
  afterEach(() => controller?.stop());

  it('creates a default ServiceAccount in existing and new namespaces', async () => {
    const storage = new MemoryStorage();
    await storage.create('namespaces', namespace('default'));
    controller = startServiceAccountController({ storage, logger: recordingLogger() });
    await storage.create('namespaces', namespace('team-a'));
    await eventually(() => storage.peek('serviceaccounts', 'team-a', 'default') && storage.peek('serviceaccounts', 'default', 'default'));
    expect(storage.peek('serviceaccounts', 'team-a', 'default')).toMatchObject({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'team-a' },
    });
    expect(storage.peek('serviceaccounts', 'team-a', 'default')?.metadata.uid).toBeTruthy();
  });

  it('re-creates the default ServiceAccount after it is deleted', async () => {
    const storage = new MemoryStorage();
    await storage.create('namespaces', namespace('team-a'));
    controller = startServiceAccountController({ storage, logger: recordingLogger() });
    const first = await eventually(() => storage.peek('serviceaccounts', 'team-a', 'default'));
    await storage.delete('serviceaccounts', 'team-a', 'default');
    const second = await eventually(() => storage.peek('serviceaccounts', 'team-a', 'default'));
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
  });

  it('leaves terminating namespaces empty', async () => {
    const storage = new MemoryStorage();
    await storage.create('namespaces', { metadata: { name: 'going', deletionTimestamp: '2025-01-01T00:00:00Z' }, status: { phase: 'Terminating' } });
    await storage.create('namespaces', namespace('marker'));
    controller = startServiceAccountController({ storage, logger: recordingLogger() });
    await eventually(() => storage.peek('serviceaccounts', 'marker', 'default'));
    expect(storage.peek('serviceaccounts', 'going', 'default')).toBeUndefined();
  });
});
