import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturesResponse } from '@hubspoke/attacker';
import { startCluster, type Cluster } from '../cluster.ts';
import type { ComposeFiles } from './compose-config.ts';
import { composeSource, type ComposeSource } from './compose-source.ts';
import { dotenvText, writeComposeLab } from './testing/compose-lab.ts';

let dir: string;
let files: ComposeFiles;
let cluster: Cluster;
let kubeconfig: string;
let attacker: { url: string; server: Server } | undefined;
const sources: ComposeSource[] = [];

/** What `hubspoke-attacker mitm --captures-address` answers after reading one `kubectl logs`. */
const CAPTURED: CapturesResponse = {
  attacker: { kind: 'mitm', address: '172.28.0.2', port: 10250, victim: 'node-1' },
  refused: [],
  captures: [
    {
      id: 1,
      client: '172.28.0.10:41234',
      opened: new Date(0).toISOString(),
      closed: true,
      exchanges: [{ method: 'GET', target: '/containerLogs/default/web/web', status: 200, body: 'password=hunter2\n' }],
    },
  ],
};

async function serveCaptures(body: CapturesResponse): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/captures') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function source(over: Partial<Parameters<typeof composeSource>[0]> = {}): ComposeSource {
  const s = composeSource({ ...files, kubeconfig, server: cluster.server, attackerUrl: attacker?.url, timeoutMs: 2000, ...over });
  sources.push(s);
  return s;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'compose-source-'));
  [files, cluster] = await Promise.all([
    writeComposeLab(dir, { egress: 'direct', kubeletCa: 'unverified' }),
    startCluster({ nodes: 2, apiserver: { serviceClusterIPRange: '127.98.0.0/16' } }),
  ]);
  // admin.conf as compose writes it: the host's published port, which the dashboard's container cannot reach.
  kubeconfig = join(dir, 'admin.conf');
  await writeFile(kubeconfig, (await readFile(cluster.adminKubeconfig, 'utf8')).replace(/server: \S+/, 'server: https://127.0.0.1:1'));
  await cluster.admin.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'hubspoke/logger' }] },
  });
  attacker = await serveCaptures(CAPTURED);
}, 60_000);

afterAll(async () => {
  for (const s of sources) s.close();
  if (attacker) await new Promise((r) => attacker!.server.close(r));
  await cluster?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('composeSource', () => {
  it('draws the configured kubelets with the live nodes and pods of the apiserver at --server', async () => {
    const t = await source().topology();
    expect(t.apiserver).toMatchObject({ url: cluster.server, anonymousAuth: false, authorizationModes: ['Node', 'RBAC'] });
    expect(t.profile).toBe('compose (egress: direct, kubelet-ca: unverified)');
    expect(t.nodes.map((n) => [n.name, n.ready, n.advertisedAddress, n.servingCert])).toEqual([
      ['node-1', true, '127.0.10.1', 'cluster-ca'],
      ['node-2', true, '127.0.10.2', 'self-signed'],
    ]);
    expect(t.nodes[0].pods.map((p) => p.name)).toEqual(['web']);
    expect(t.edges.find((e) => e.id === 'pod-to-apiserver:node-1')?.title).toContain('127.98.0.1:443');
    expect(t.edges.find((e) => e.id === 'kubelet-api:node-1')).toMatchObject({ serverVerification: 'unverified', clientAuthentication: 'client cert', claim: 'C9' });
  });

  it('marks the egress byte counters unknown instead of inventing zeros', async () => {
    const t = await source().topology();
    for (const id of ['kubelet-api:node-1', 'kubelet-api:node-2', 'pod-proxy:node-1']) {
      const edge = t.edges.find((e) => e.id === id)!;
      expect(edge.bytes, id).toBeUndefined();
      expect(edge.bytesUnknown, id).toBe(true);
    }
    expect(t.unknown).toEqual(["the apiserver's egress byte counters"]);
  });

  it('follows an .env edit on the next read: verified kubelets through konnectivity', async () => {
    const s = source();
    await writeFile(files.envFile, dotenvText({ egress: 'konnectivity', kubeletCa: 'verified' }));
    try {
      const t = await s.topology();
      expect(t.edges.find((e) => e.id === 'kubelet-api:node-1')).toMatchObject({ serverVerification: 'verified', claim: 'C10', via: 'attacker' });
      expect(t.edges.find((e) => e.id === 'kubelet-api:node-2')).toMatchObject({ serverVerification: 'verified', via: 'konnectivity-server' });
      expect(t.edges.find((e) => e.id === 'konnectivity-tunnel:node-2')?.note).toBe('agent configured; whether it is connected is unknown');
      expect(t.unknown).toContain('whether each konnectivity-agent is connected');
    } finally {
      await writeFile(files.envFile, dotenvText({ egress: 'direct', kubeletCa: 'unverified' }));
    }
  });

  it('passes on what the attacker captured, and shows no attacker when none answers', async () => {
    const s = source();
    expect(await s.captures()).toEqual(CAPTURED);
    expect((await s.topology()).attacker).toEqual({ id: 'attacker', kind: 'mitm', address: '172.28.0.2', port: 10250, victim: 'node-1', captures: 1, refused: 0 });

    const gone = await serveCaptures(CAPTURED);
    await new Promise((r) => gone.server.close(r));
    const without = source({ attackerUrl: gone.url });
    expect(await without.captures()).toEqual({ refused: [], captures: [] });
    expect((await without.topology()).attacker).toBeUndefined();
  });

  it('says which lab it reads, and why it shows none when the apiserver does not answer', async () => {
    expect(await source().info()).toEqual({
      source: 'compose',
      running: true,
      composeFile: files.composeFile,
      envFile: files.envFile,
      blocks: { egress: 'direct', 'kubelet-ca': 'unverified' },
      profiles: [],
      server: cluster.server,
      attackerUrl: attacker!.url,
    });
    // Without --server the kubeconfig's URL is used: nothing listens there.
    const unreachable = source({ server: undefined });
    const info = await unreachable.info();
    expect(info).toMatchObject({ running: false, server: 'https://127.0.0.1:1', blocks: { egress: 'direct' } });
    expect(info.message).toMatch(/^the apiserver at https:\/\/127\.0\.0\.1:1 does not answer: /);
    await expect(unreachable.topology()).rejects.toThrow(/^the apiserver at https:\/\/127\.0\.0\.1:1 does not answer: /);
  });
});
