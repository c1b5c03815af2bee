// `hubspoke dashboard` in compose mode, with the flags the compose service passes, against a lab seen from outside
// as the dashboard container sees the docker-compose lab: a compose file, .env and certs on disk (a temporary copy
// shaped like the repository's), the live apiserver through a kubeconfig whose server URL --server replaces (here
// an in-process cluster), and an attacker's GET /captures (a real man in the middle in front of node-1's kubelet).
// The nodes and pods are the apiserver's, an .env edit changes the kubelet path on the next poll, the captured
// plaintext appears, and what compose mode cannot see (byte counters, agent connections) is marked unknown.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCaptures, startMitm, type CapturesResponse, type CapturesServer, type Mitm } from '@hubspoke/attacker';
import { startCluster, waitFor, type Cluster, type LabTopology } from '@hubspoke/lab';
import type { ComposeFiles } from '../packages/lab/src/dashboard/compose-config.ts';
import { dotenvText, writeComposeLab } from '../packages/lab/src/dashboard/testing/compose-lab.ts';

const BIN = resolve(import.meta.dirname, '../node_modules/.bin/hubspoke');

let dir: string;
let files: ComposeFiles;
let cluster: Cluster;
let clusterStopped = false;
let mitm: Mitm;
let attackerApi: CapturesServer;
let attackerUrl: string;
let dashboard: ChildProcess;
let url: string;
let browser: Browser | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dashboard-compose-'));
  [files, cluster] = await Promise.all([
    writeComposeLab(dir, { egress: 'direct', kubeletCa: 'unverified' }),
    startCluster({ nodes: 2, apiserver: { serviceClusterIPRange: '127.99.0.0/16' } }),
  ]);
  // certs/admin.conf names the host's published port; the dashboard container gets --server instead.
  const kubeconfig = join(dir, 'admin.conf');
  await writeFile(kubeconfig, (await readFile(cluster.adminKubeconfig, 'utf8')).replace(/server: \S+/, 'server: https://127.0.0.1:1'));
  await cluster.admin.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'hubspoke/logger' }] },
  });

  const kubelet = cluster.kubelets[0];
  mitm = await startMitm({ listen: { host: '127.0.0.1', port: 0 }, upstream: { host: kubelet.address, port: kubelet.port } });
  // What `hubspoke-attacker mitm --captures-address` serves.
  attackerApi = await serveCaptures({ host: '127.0.0.1', port: 0, mitm, victim: 'node-1' });
  attackerUrl = new URL('/', attackerApi.url).href.replace(/\/$/, '');

  dashboard = spawn(BIN, [
    'dashboard',
    `--compose-file=${files.composeFile}`,
    `--compose-env-file=${files.envFile}`,
    `--certs-dir=${files.certsDir}`,
    `--kubeconfig=${kubeconfig}`,
    `--server=${cluster.server}`,
    `--attacker-url=${attackerUrl}`,
    '--address=127.0.0.1',
    '--port=0',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  dashboard.stdout!.on('data', (d: Buffer) => (out += d));
  dashboard.stderr!.on('data', (d: Buffer) => (out += d));
  await waitFor(() => out.includes('Ctrl-C stops it.') || dashboard.exitCode !== null, { timeoutMs: 30_000, what: 'hubspoke dashboard' });
  const printed = /hubspoke dashboard for the docker-compose lab of (\S+): (http:\/\/\S+)/.exec(out);
  if (!printed) throw new Error(`hubspoke dashboard exited ${dashboard.exitCode}:\n${out}`);
  expect(printed[1]).toBe(files.composeFile);
  url = printed[2];
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (dashboard && dashboard.exitCode === null) {
    const exited = new Promise((r) => dashboard.once('exit', r));
    dashboard.kill('SIGTERM');
    await exited;
  }
  await attackerApi?.close();
  await mitm?.close();
  if (!clusterStopped) await cluster?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const api = async <T>(path: string): Promise<T> => (await (await fetch(new URL(path, url))).json()) as T;
const edge = (t: LabTopology, id: string) => t.edges.find((e) => e.id === id);

/** The /api/events stream, one topology at a time. */
async function events(): Promise<{ next(): Promise<LabTopology>; close(): Promise<void> }> {
  const res = await fetch(new URL('/api/events', url));
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const reader = res.body!.getReader();
  let buffered = '';
  return {
    async next() {
      for (;;) {
        const m = /event: topology\ndata: (.*)\n\n/.exec(buffered);
        if (m) {
          buffered = buffered.slice(m.index + m[0].length);
          return JSON.parse(m[1]) as LabTopology;
        }
        const chunk = await reader.read();
        if (chunk.done) throw new Error('the event stream ended');
        buffered += new TextDecoder().decode(chunk.value);
      }
    },
    close: () => reader.cancel(),
  };
}

/** GET /healthz on node-1's kubelet through the man in the middle, as the apiserver (its kubelet client certificate). */
async function throughTheAttacker(): Promise<string> {
  const { cert, key } = cluster.pki.apiserverKubeletClient;
  return new Promise((done, fail) => {
    const req = request({ host: mitm.address, port: mitm.port, path: '/healthz', cert, key, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => done(body));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('hubspoke dashboard --compose-file', () => {
  it('draws the configured lab with the nodes and pods the live apiserver has, and says which .env blocks are active', async () => {
    const t = await api<LabTopology>('/api/topology');
    expect(t.apiserver).toMatchObject({ url: cluster.server, anonymousAuth: false, authorizationModes: ['Node', 'RBAC'] });
    expect(t.nodes.map((n) => [n.name, n.ready, n.advertisedAddress])).toEqual([
      ['node-1', true, cluster.kubelets[0].address],
      ['node-2', true, cluster.kubelets[1].address],
    ]);
    expect(t.nodes[0].pods.map((p) => p.name)).toEqual(['web']);
    expect(edge(t, 'pod-to-apiserver:node-1')?.title).toContain('127.99.0.1:443');
    expect(await api('/api/lab')).toEqual({
      source: 'compose',
      running: true,
      composeFile: files.composeFile,
      envFile: files.envFile,
      blocks: { egress: 'direct', 'kubelet-ca': 'unverified' },
      profiles: [],
      server: cluster.server,
      attackerUrl,
    });
  });

  it('shows the plaintext the attacker captured, from its --attacker-url', async () => {
    expect(await throughTheAttacker()).toBe('ok');
    const captured = await api<CapturesResponse>('/api/captures');
    expect(captured.attacker).toEqual({ kind: 'mitm', address: mitm.address, port: mitm.port, victim: 'node-1' });
    expect(captured.captures.flatMap((c) => c.exchanges)).toContainEqual(expect.objectContaining({ method: 'GET', target: '/healthz', status: 200, body: 'ok' }));
    const t = await api<LabTopology>('/api/topology');
    expect(t.attacker).toMatchObject({ id: 'attacker', victim: 'node-1' });
    expect(t.attacker!.captures).toBeGreaterThan(0);
    expect(edge(t, 'kubelet-api:node-1')?.via).toBe('attacker');
  });

  it('marks what compose mode cannot see as unknown: egress byte counters, konnectivity-agent connections', async () => {
    const stream = await events();
    try {
      let t = await stream.next();
      expect(edge(t, 'kubelet-api:node-2')).toMatchObject({ bytesUnknown: true });
      expect(edge(t, 'kubelet-api:node-2')?.bytes).toBeUndefined();
      expect(t.unknown).toEqual(["the apiserver's egress byte counters"]);

      // .env switched to konnectivity and verified kubelets, as one edits it before `docker compose up`.
      await writeFile(files.envFile, dotenvText({ egress: 'konnectivity', kubeletCa: 'verified' }));
      while (edge(t, 'kubelet-api:node-2')?.serverVerification !== 'verified') t = await stream.next();
      expect(edge(t, 'kubelet-api:node-2')).toMatchObject({ serverVerification: 'verified', claim: 'C10', via: 'konnectivity-server', note: 'the apiserver refuses the certificate the kubelet shows (self-signed)' });
      expect(edge(t, 'kubelet-api:node-1')).toMatchObject({ serverVerification: 'verified', note: 'the apiserver refuses the certificate the attacker shows (the attacker learns nothing)' });
      expect(t.egress).toEqual({
        kind: 'konnectivity',
        udsName: '/etc/kubernetes/konnectivity-server/konnectivity-server.socket',
        agentPort: 8132,
        agents: [{ node: 'node-1' }, { node: 'node-2' }],
      });
      expect(edge(t, 'konnectivity-tunnel:node-1')?.note).toBe('agent configured; whether it is connected is unknown');
      expect(t.unknown).toEqual(["the apiserver's egress byte counters", 'whether each konnectivity-agent is connected']);
      expect(await api('/api/lab')).toMatchObject({ blocks: { egress: 'konnectivity', 'kubelet-ca': 'verified' }, profiles: ['konnectivity'] });

      // And back: direct, unverified, on the next poll again.
      await writeFile(files.envFile, dotenvText({ egress: 'direct', kubeletCa: 'unverified' }));
      while (edge(t, 'kubelet-api:node-2')?.serverVerification !== 'unverified') t = await stream.next();
      expect(edge(t, 'kubelet-api:node-2')?.claim).toBe('C9');
      expect(edge(t, 'kubelet-api:node-2')?.via).toBeUndefined();
      expect(t.edges.some((e) => e.kind.startsWith('konnectivity'))).toBe(false);
    } finally {
      await stream.close();
    }
  });

  it('shows all of it on the page: unknown bytes, the compose lab, the captured text', async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const bytes = page.locator('#paths tr[data-edge="kubelet-api:node-1"] td[data-field="bytes"]');
    await bytes.waitFor({ timeout: 15_000 });
    expect(await bytes.textContent()).toBe('unknown');
    expect(await page.locator('#topology [data-edge="kubelet-api:node-1"]').textContent()).toContain('bytes unknown');
    expect(await page.locator('#unknown').textContent()).toContain("the apiserver's egress byte counters");
    await expect.poll(() => page.locator('#lab-status').textContent(), { timeout: 10_000 }).toContain(`docker-compose lab ${files.composeFile} (.env: egress direct, kubelet-ca unverified`);
    await expect.poll(() => page.locator('#mitm-body').textContent(), { timeout: 10_000 }).toContain('GET /healthz → 200');
    expect(await page.locator('#topology [data-node="attacker"]').count()).toBe(1);
    expect(errors).toEqual([]);
  }, 60_000);
  it('ends the event stream when the apiserver stops answering, and says why', async () => {
    const stream = await events();
    await stream.next();
    clusterStopped = true;
    await cluster.close();
    await expect(async () => {
      for (;;) await stream.next();
    }).rejects.toThrow('the event stream ended');
    const res = await fetch(new URL('/api/topology', url));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'no-lab', message: expect.stringContaining(`the apiserver at ${cluster.server} does not answer`) });
    expect(await api('/api/lab')).toMatchObject({ running: false, message: expect.stringContaining('does not answer') });
  });
});
