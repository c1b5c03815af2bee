// A measurement, not a test: fills a MemoryStorage with 150,000 pods on 5,000 nodes and prints how long the
// reads take. Run with `npx tsx packages/apiserver/src/storage/measure-list.ts`.
import type { KubeObject } from '@hubspoke/api';
import { MemoryStorage } from '@hubspoke/apiserver';

const PODS = 150_000;
const NODES = 5_000;
const NAMESPACES = 100;

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-${i}`,
      namespace: `ns-${i % NAMESPACES}`,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: { app: 'web', 'pod-template-hash': '5d8f7c9b6' },
    },
    spec: {
      nodeName: `node-${i % NODES}`,
      serviceAccountName: 'default',
      containers: [{ name: 'app', image: 'hubspoke/http', ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }] }],
    },
    status: {
      phase: 'Running',
      podIP: `127.244.${(i >> 8) & 255}.${i & 255}`,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }],
    },
  };
}

async function time(label: string, fn: () => Promise<unknown> | unknown, runs = 3): Promise<void> {
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  console.log(`${label.padEnd(44)} ${samples.map((ms) => ms.toFixed(1)).join(' / ')} ms`);
}

const storage = new MemoryStorage();
storage.addIndex('pods', 'spec.nodeName', (p) => (p.spec as { nodeName?: string }).nodeName);
await time(`create ${PODS} pods`, async () => {
  for (let i = 0; i < PODS; i++) await storage.create('pods', pod(i));
}, 1);
await time('list all pods (copies)', () => storage.list('pods'));
await time('listFrozen all pods (no copies)', () => storage.listFrozen('pods'));
await time('list one namespace (1,500 pods)', () => storage.list('pods', { namespace: 'ns-7' }));
await time('list limit=500, first page', () => storage.list('pods', { limit: 500 }));
const page = await storage.list('pods', { limit: 500 });
await time('list limit=500, continued page', () => storage.list('pods', { limit: 500, continue: page.continue }));
await time('list with predicate over all (nodeName)', () =>
  storage.list('pods', { predicate: (p) => (p.spec as { nodeName?: string }).nodeName === 'node-42' }),
);
await time('listByIndex spec.nodeName (30 pods)', () => storage.listByIndex('pods', 'spec.nodeName', 'node-42'));
await time('get one pod', () => storage.get('pods', 'ns-3', 'web-1003'));
console.log(`heap used: ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
