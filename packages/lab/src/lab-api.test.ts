import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMitm, type Capture, type Mitm } from '@hubspoke/attacker';
import { startCluster, type Cluster } from './cluster.ts';
import { captureView, startLabApi, type CapturesResponse, type LabApi } from './lab-api.ts';
import type { LabTopology } from './topology.ts';
import { waitFor } from './wait.ts';

const BIND = '127.0.10.1';
const ADVERTISED = '127.0.67.1'; // not the lab's 127.0.66.1, so this test can run beside a `hubspoke up --attacker`

let cluster: Cluster;
let mitm: Mitm;
let api: LabApi;

/** A port free on both addresses (the kubelet and the man in the middle share it). */
async function freePortOnBoth(): Promise<number> {
  for (;;) {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, BIND, r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const free = await new Promise<boolean>((resolve) => {
      const other = createServer();
      other.once('error', () => resolve(false));
      other.listen(port, ADVERTISED, () => other.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

beforeAll(async () => {
  const port = await freePortOnBoth();
  mitm = await startMitm({ listen: { host: ADVERTISED, port }, upstream: { host: BIND, port } });
  cluster = await startCluster({ nodes: 1, kubeletPort: port, kubelet: () => ({ nodeIP: ADVERTISED }), apiserver: { serviceClusterIPRange: '127.97.0.0/16' } });
  api = await startLabApi({ cluster, profile: 'test', attacker: { mitm, victim: 'node-1' }, intervalMs: 100 });
  await cluster.admin.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'chatty' },
    spec: { containers: [{ name: 'chatty', image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] }] },
  });
  await waitFor(async () => ((await cluster.admin.get('/api/v1/namespaces/default/pods/chatty')).status as { phase?: string }).phase === 'Running', {
    timeoutMs: 20_000,
    what: 'chatty Running',
  });
});

afterAll(async () => {
  await api?.close();
  await cluster?.close();
  await mitm?.close();
});

describe('the lab API', () => {
  it('serves the running topology: the node at its advertised address, its pod, the attacker on its path', async () => {
    const t = (await (await fetch(`${api.url}/topology`)).json()) as LabTopology;
    expect(t.profile).toBe('test');
    expect(t.nodes).toMatchObject([{ name: 'node-1', address: BIND, advertisedAddress: ADVERTISED, servingCert: 'self-signed', pods: [{ name: 'chatty', phase: 'Running' }] }]);
    expect(t.attacker).toMatchObject({ address: ADVERTISED, victim: 'node-1', captures: 0 });
    expect(t.edges.find((e) => e.id === 'kubelet-api:node-1')).toMatchObject({ serverVerification: 'unverified', via: 'attacker' });
    expect(t.edges.find((e) => e.id === 'pod-to-apiserver:node-1')?.title).toContain('127.97.0.1:443');
  });

  it('shows the log text the attacker read, and the bytes the apiserver exchanged with the address it dialed', async () => {
    const logs = await cluster.admin.raw('GET', '/api/v1/namespaces/default/pods/chatty/log?tailLines=2');
    const text = logs.body.toString();
    expect(text).toMatch(/hello from chatty\n$/);
    const captured = (await (await fetch(`${api.url}/captures`)).json()) as CapturesResponse;
    expect(captured.attacker).toEqual({ kind: 'mitm', address: ADVERTISED, port: mitm.port, victim: 'node-1' });
    expect(captured.captures.flatMap((c) => c.exchanges)).toContainEqual(
      expect.objectContaining({ method: 'GET', target: '/containerLogs/default/chatty/chatty?tailLines=2', status: 200, body: text }),
    );
    const t = (await (await fetch(`${api.url}/topology`)).json()) as LabTopology;
    expect(t.edges.find((e) => e.id === 'kubelet-api:node-1')?.bytes?.received).toBeGreaterThan(text.length);
  });

  it('pushes the topology as Server-Sent Events, again when it changes', async () => {
    const res = await fetch(`${api.url}/events`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let buffered = '';
    const nextTopology = async (): Promise<LabTopology> => {
      for (;;) {
        const m = /event: topology\ndata: (.*)\n\n/.exec(buffered);
        if (m) {
          buffered = buffered.slice(m.index + m[0].length);
          return JSON.parse(m[1]) as LabTopology;
        }
        buffered += new TextDecoder().decode((await reader.read()).value);
      }
    };
    const before = await nextTopology();
    expect(before.nodes[0].pods.map((p) => p.name)).toEqual(['chatty']);
    await cluster.admin.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'another' },
      spec: { nodeName: 'node-1', containers: [{ name: 'another', image: 'hubspoke/logger' }] },
    });
    let after = await nextTopology();
    while (!after.nodes[0].pods.some((p) => p.name === 'another')) after = await nextTopology();
    expect(after.nodes[0].pods.map((p) => p.name)).toEqual(['another', 'chatty']);
    await reader.cancel();
  });

  it('answers an unknown path with 404 and what exists', async () => {
    const res = await fetch(`${api.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no /nope: try /topology, /captures or /events' });
  });
});

describe('captureView', () => {
  it('gives an exec session its channels as text and keeps only the end of a long body', () => {
    const capture: Capture = {
      id: 7,
      client: '127.0.0.1:5000',
      opened: new Date(0),
      closed: true,
      exchanges: [
        {
          request: { method: 'GET', target: '/containerLogs/default/a/a', headers: {}, raw: '', body: '' } as Capture['exchanges'][0]['request'],
          response: { status: 200, headers: {}, raw: '', body: 'x'.repeat(9000) + 'END' } as NonNullable<Capture['exchanges'][0]['response']>,
        },
        {
          request: { method: 'GET', target: '/exec/default/a/a?command=sh', headers: {}, raw: '', body: '' } as Capture['exchanges'][0]['request'],
          response: { status: 101, headers: {}, raw: '', body: '' } as NonNullable<Capture['exchanges'][0]['response']>,
          stream: {
            protocol: 'websocket',
            subprotocol: 'v5.channel.k8s.io',
            messages: [
              { direction: 'to-kubelet', channel: 0, data: Buffer.from('cat /secret\n') },
              { direction: 'to-apiserver', channel: 1, data: Buffer.from('s3cret\n') },
              { direction: 'to-apiserver', channel: 2, data: Buffer.from('warning\n') },
            ],
          },
        },
      ],
    };
    const view = captureView(capture);
    expect(view).toMatchObject({ id: 7, client: '127.0.0.1:5000', opened: '1970-01-01T00:00:00.000Z', closed: true });
    expect(view.exchanges[0].body.length).toBe(8 * 1024 + 1);
    expect(view.exchanges[0].body.endsWith('END')).toBe(true);
    expect(view.exchanges[1]).toMatchObject({ target: '/exec/default/a/a?command=sh', status: 101, stream: { stdin: 'cat /secret\n', stdout: 's3cret\n', stderr: 'warning\n' } });
  });
});
