import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeLabState, writeLabState, type LabState } from '../lab-state.ts';
import { composeSource } from './compose-source.ts';
import { startDashboard, type Dashboard } from './dashboard-server.ts';
import { writeComposeLab } from './testing/compose-lab.ts';

const open: { close(): Promise<void> }[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A stand-in lab API: answers /topology with its name, and keeps /events open until closed. */
async function fakeLabApi(name: string): Promise<{ url: string; close(): Promise<void> }> {
  const streams = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    if (req.url === '/topology') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ lab: name }));
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: topology\ndata: {"lab":"${name}"}\n\n`);
      streams.add(res);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const api = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  open.push(api);
  return api;
}

function state(labApi: string, profile: string): LabState {
  return {
    pid: process.pid, // "running": this process is alive
    profile,
    egress: 'direct',
    server: 'https://127.0.0.1:6443',
    adminKubeconfig: '/nowhere/admin.conf',
    kubeconfigs: {},
    nodes: [],
    logFile: '/nowhere/lab.log',
    startedAt: new Date(0).toISOString(),
    labApi,
  };
}

async function dashboardIn(): Promise<{ dir: string; dashboard: Dashboard }> {
  const dir = await mkdtemp(join(tmpdir(), 'dashboard-'));
  dirs.push(dir);
  const dashboard = await startDashboard({ dir, port: 0 });
  open.push(dashboard);
  return { dir, dashboard };
}

describe('startDashboard', () => {
  it('serves the page and its scripts, and nothing else from disk', async () => {
    const { dashboard } = await dashboardIn();
    const page = await fetch(dashboard.url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/dashboard.js"></script>');
    for (const asset of ['dashboard.js', 'topology-view.js', 'dashboard.css']) expect((await fetch(new URL(asset, dashboard.url))).status).toBe(200);
    expect((await fetch(new URL('/dashboard-server.ts', dashboard.url))).status).toBe(404);
    expect((await fetch(new URL('/%2e%2e/lab-api.ts', dashboard.url))).status).toBe(404);
  });

  it('says when no lab runs in its folder, for the page and for the API', async () => {
    const { dir, dashboard } = await dashboardIn();
    expect(await (await fetch(new URL('/api/lab', dashboard.url))).json()).toEqual({
      running: false,
      dir,
      message: `no lab is running in ${dir}: start one with \`hubspoke up --dir ${dir}\``,
    });
    const topology = await fetch(new URL('/api/topology', dashboard.url));
    expect(topology.status).toBe(503);
    expect(await topology.json()).toMatchObject({ error: 'no-lab' });
  });

  it('follows the lab through lab.json on every request, so a restarted lab is picked up', async () => {
    const { dir, dashboard } = await dashboardIn();
    const first = await fakeLabApi('first');
    await writeLabState(dir, state(first.url, 'wide-open'));
    expect(await (await fetch(new URL('/api/topology', dashboard.url))).json()).toEqual({ lab: 'first' });
    expect(await (await fetch(new URL('/api/lab', dashboard.url))).json()).toMatchObject({ running: true, profile: 'wide-open' });

    const second = await fakeLabApi('second');
    await writeLabState(dir, state(second.url, 'hardened'));
    expect(await (await fetch(new URL('/api/topology', dashboard.url))).json()).toEqual({ lab: 'second' });

    await removeLabState(dir);
    expect((await fetch(new URL('/api/topology', dashboard.url))).status).toBe(503);
  });

  it('relays the event stream and ends it when the lab goes away', async () => {
    const { dir, dashboard } = await dashboardIn();
    const lab = await fakeLabApi('streaming');
    await writeLabState(dir, state(lab.url, 'kubernetes-defaults'));
    const res = await fetch(new URL('/api/events', dashboard.url));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe('event: topology\ndata: {"lab":"streaming"}\n\n');
    await lab.close();
    expect((await reader.read()).done).toBe(true);
  });

  it('answers 503 when lab.json names an API that does not answer', async () => {
    const { dir, dashboard } = await dashboardIn();
    const gone = await fakeLabApi('gone');
    await gone.close();
    await writeLabState(dir, state(gone.url, 'kubeadm'));
    const res = await fetch(new URL('/api/topology', dashboard.url));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toBe(`the lab in ${dir} does not answer (stopping or restarting?)`);
  });

  it('needs exactly one lab: a folder or a compose source', async () => {
    await expect(startDashboard({ port: 0 })).rejects.toThrow('the dashboard needs a lab: a dir or a compose source, not both');
  });
  it('serves a compose lab\'s API itself, and answers 503 with the reason while its apiserver does not answer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dashboard-compose-'));
    dirs.push(dir);
    const files = await writeComposeLab(dir, { egress: 'direct', kubeletCa: 'verified' });
    // admin.conf as `hubspoke certs` writes it for compose: the host's published port, where nothing listens here.
    const dashboard = await startDashboard({ compose: composeSource({ ...files, kubeconfig: join(files.certsDir, 'admin.conf'), server: 'https://127.0.0.1:1' }), port: 0 });
    open.push(dashboard);
    const unreachable = /^the apiserver at https:\/\/127\.0\.0\.1:1 does not answer: /;
    expect(await (await fetch(new URL('/api/lab', dashboard.url))).json()).toMatchObject({
      source: 'compose',
      running: false,
      composeFile: files.composeFile,
      blocks: { egress: 'direct', 'kubelet-ca': 'verified' },
      message: expect.stringMatching(unreachable),
    });
    for (const path of ['/api/topology', '/api/events']) {
      const res = await fetch(new URL(path, dashboard.url));
      expect(res.status, path).toBe(503);
      expect(await res.json(), path).toMatchObject({ error: 'no-lab', message: expect.stringMatching(unreachable) });
    }
    // No --attacker-url: no attacker, and nothing to fail.
    expect(await (await fetch(new URL('/api/captures', dashboard.url))).json()).toEqual({ refused: [], captures: [] });
  });
});
