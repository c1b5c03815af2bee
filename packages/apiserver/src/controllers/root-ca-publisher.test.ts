import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory.ts';
import type { Controller } from './context.ts';
import { startRootCAPublisher } from './root-ca-publisher.ts';
import { eventually, recordingLogger } from './test-support.ts';

const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('root CA publisher', () => {
  let controller: Controller | undefined;
  afterEach(() => controller?.stop());

  it('publishes kube-root-ca.crt with the CA and the Kubernetes description in every namespace', async () => {
    const storage = new MemoryStorage();
    await storage.create('namespaces', { metadata: { name: 'default' } });
    controller = startRootCAPublisher({ storage, logger: recordingLogger(), caPem });
    await storage.create('namespaces', { metadata: { name: 'apps' } });
    const cm = await eventually(() => storage.peek('configmaps', 'apps', 'kube-root-ca.crt'));
    expect(cm).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { 'ca.crt': caPem } });
    expect(cm.metadata.annotations?.['kubernetes.io/description']).toBe(
      'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the ' +
        'internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of ' +
        'Kubernetes clusters.',
    );
    await eventually(() => storage.peek('configmaps', 'default', 'kube-root-ca.crt'));
  });

  it('puts back edited or deleted copies', async () => {
    const storage = new MemoryStorage();
    await storage.create('namespaces', { metadata: { name: 'apps' } });
    controller = startRootCAPublisher({ storage, logger: recordingLogger(), caPem });
    await eventually(() => storage.peek('configmaps', 'apps', 'kube-root-ca.crt'));
    await storage.update('configmaps', 'apps', 'kube-root-ca.crt', (cm) => ({ ...cm, data: { 'ca.crt': 'forged' } }));
    await eventually(() => (storage.peek('configmaps', 'apps', 'kube-root-ca.crt')?.data as Record<string, string>)['ca.crt'] === caPem);
    await storage.delete('configmaps', 'apps', 'kube-root-ca.crt');
    await eventually(() => storage.peek('configmaps', 'apps', 'kube-root-ca.crt'));
  });
});
