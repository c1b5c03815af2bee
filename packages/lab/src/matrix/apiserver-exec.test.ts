import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../cluster.ts';
import { waitFor } from '../wait.ts';
import { execThroughApiserver, type ExecCredentials } from './apiserver-exec.ts';

let cluster: Cluster;
let creds: ExecCredentials;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 });
  creds = { server: cluster.server, caCert: cluster.pki.ca.cert, clientCert: cluster.pki.admin.cert, clientKey: cluster.pki.admin.key };
  await cluster.admin.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shell' },
    spec: { nodeName: 'node-1', containers: [{ name: 'shell', image: 'hubspoke/shell', command: ['sh', '-c', 'sleep 100000'] }] },
  });
  await waitFor(async () => ((await cluster.admin.get('/api/v1/namespaces/default/pods/shell')).status as { phase?: string }).phase === 'Running', { timeoutMs: 20_000, what: 'the pod Running' });
}, 30_000);

afterAll(async () => {
  await cluster?.close();
});

describe('exec through the apiserver over WebSocket', () => {
  it('returns the command\'s stdout and the Success status of the error channel', async () => {
    const r = await execThroughApiserver(creds, { namespace: 'default', pod: 'shell', container: 'shell', command: ['echo', 'through the hub'] });
    expect(r.status).toBe(101);
    expect(r.stdout).toBe('through the hub\n');
    expect(JSON.parse(r.error)).toEqual({ metadata: {}, status: 'Success' });
  });

  it('reports the refused upgrade\'s status and body', async () => {
    const r = await execThroughApiserver(creds, { namespace: 'default', pod: 'missing', container: 'shell', command: ['true'] });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.error)).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "missing" not found' });
  });
});
