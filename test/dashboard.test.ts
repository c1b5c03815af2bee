// The dashboard in a real browser (Debian's headless Chromium, driven by playwright-core): `hubspoke dashboard`
// shows the topology of the lab that `hubspoke up --attacker mitm` runs, with node-1's kubelet path unverified
// and the log text the man in the middle read; when the lab restarts with the apiserver verifying kubelets
// (--kubelet-certificate-authority, from the hardened profile), the same page, never reloaded, shows that path
// verified and the attacker refused. The screenshots are the README's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hubspoke/lab';
import { kubectl } from './support/kubectl.ts';
import { freePortOn } from './support/net.ts';

const BIN = resolve(import.meta.dirname, '../node_modules/.bin/hubspoke');
const DOCS = resolve(import.meta.dirname, '../docs');
const children: ChildProcess[] = [];
let browser: Browser | undefined;
let dir: string | undefined;

afterAll(async () => {
  await browser?.close();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Start a hubspoke command; resolves once its output contains `ready`. */
async function hubspoke(args: string[], ready: string): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  await waitFor(() => out.includes(ready) || child.exitCode !== null, { timeoutMs: 45_000, what: `"${ready}" from hubspoke ${args[0]}` });
  if (!out.includes(ready)) throw new Error(`hubspoke ${args.join(' ')} exited ${child.exitCode}:\n${out}`);
  return { child, out: () => out };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

const field = (page: Page, edge: string, name: string) => page.locator(`#paths tr[data-edge="${edge}"] td[data-field="${name}"]`);
const text = async (page: Page, selector: string): Promise<string> => (await page.locator(selector).allTextContents()).join('\n');

const CHATTY = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'chatty', namespace: 'default' },
  spec: { nodeName: 'node-1', containers: [{ name: 'chatty', image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] }] },
});

describe('hubspoke dashboard', () => {
  it('draws the lab, shows what the man in the middle reads, and turns node-1 verified when the lab restarts verifying kubelets', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-dashboard-'));
    const port = await freePortOn(['127.0.0.1']);
    const kubeletPort = await freePortOn(['127.0.10.1', '127.0.10.2', '127.0.66.1']);
    const readOnlyPort = await freePortOn(['127.0.10.1', '127.0.10.2']);
    const dashboardPort = await freePortOn(['127.0.0.1']);
    const common = [`--dir=${dir}`, `--port=${port}`, `--kubelet-port=${kubeletPort}`, '--attacker=mitm'];
    const kubeconfig = join(dir, 'admin.conf');

    // The kubelet's flag defaults (anonymous, AlwaysAllow) so the attacker, which cannot pass on the apiserver's
    // client certificate, is served by the kubelet it relays to.
    const first = await hubspoke(['up', ...common, '--profile=wide-open', `--kubelet-arg=--read-only-port=${readOnlyPort}`], 'Ctrl-C stops the lab.');
    expect(first.out()).toContain(`attacker    man in the middle on 127.0.66.1:${kubeletPort}, the address node-1 advertises`);
    const dashboard = await hubspoke(['dashboard', `--dir=${dir}`, `--port=${dashboardPort}`], 'Ctrl-C stops it.');
    expect(dashboard.out()).toContain(`http://127.0.0.1:${dashboardPort}/`);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${dashboardPort}/`);
    await page.evaluate('window.hubspokeNeverReloaded = true');

    // The topology: the hub, both nodes, their pods, the attacker on node-1's wire.
    await page.locator('#topology svg [data-node="node:node-2"]').waitFor({ timeout: 15_000 });
    for (const id of ['apiserver', 'node:node-1', 'node:node-2', 'attacker']) await page.locator(`#topology [data-node="${id}"]`).waitFor();
    await expect.poll(() => text(page, '#topology [data-pod]'), { timeout: 15_000 }).toMatch(/pod default\/web .*Running/);
    expect(await text(page, '#topology [data-node="node:node-1"]')).toContain(`kubelet https://127.0.10.1:${kubeletPort} (advertised as 127.0.66.1)`);
    expect(await text(page, '#topology [data-node="attacker"]')).toContain(`attacker (MITM) 127.0.66.1:${kubeletPort}`);
    expect(await page.locator('#topology [data-edge="kubelet-api:node-1"]').textContent()).toContain('HTTPS · unverified · client cert · AlwaysAllow (anonymous allowed)');
    expect(await field(page, 'kubelet-api:node-1', 'serverVerification').textContent()).toBe('unverified');
    expect(await field(page, 'kubelet-api:node-1', 'claim').textContent()).toBe('C9');
    expect(await field(page, 'pod-proxy:node-1', 'protocol').textContent()).toBe('HTTP');
    expect(await text(page, '#lab-status')).toContain('profile wide-open');
    await page.locator('#scenario-list [data-scenario="mitm-verified"]').waitFor();
    expect(await page.locator('#scenario-list button[data-run]').count()).toBe((await (await fetch(`http://127.0.0.1:${dashboardPort}/api/scenarios`)).json() as unknown[]).length);

    // kubectl logs of a pod on node-1: the apiserver's request goes through the attacker, which shows the text.
    const applied = await kubectl(['apply', '-f', '-'], { kubeconfig, input: CHATTY });
    expect(applied.stderr).toBe('');
    await waitFor(async () => (await kubectl(['get', 'pod', 'chatty', '--no-headers'], { kubeconfig })).stdout.includes('Running'), { timeoutMs: 20_000, what: 'chatty Running' });
    const logs = await kubectl(['logs', 'chatty', '--tail=3'], { kubeconfig });
    expect(logs.stdout).toMatch(/hello from chatty/);
    await expect.poll(() => text(page, '#mitm-body'), { timeout: 10_000 }).toContain('GET /containerLogs/default/chatty/chatty?tailLines=3 → 200');
    // The body may arrive a moment after the status line: wait for the page's next refresh.
    await expect.poll(() => text(page, '#mitm-body pre[data-field="body"]'), { timeout: 10_000 }).toContain(logs.stdout.trim());
    // The bytes the apiserver exchanged with node-1's advertised address (the attacker's) are counted.
    await expect.poll(async () => Number((await field(page, 'kubelet-api:node-1', 'bytes').textContent())?.match(/^(\d+)/)?.[1] ?? 0)).toBeGreaterThan(0);
    await mkdir(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, 'dashboard-unverified.png'), fullPage: true });

    // The lab stops: the page says so.
    await stop(first.child);
    await expect.poll(() => text(page, '#lab-status'), { timeout: 10_000 }).toContain(`no lab is running in ${dir}`);

    // The lab restarts with --kubelet-certificate-authority (and kubelet serving certificates from the cluster CA,
    // which the hardened profile sets together), the same attacker on the same address.
    const second = await hubspoke(['up', ...common, '--profile=hardened', '--egress=direct'], 'Ctrl-C stops the lab.');
    expect(second.out()).toContain('the apiserver verifies kubelets (--kubelet-certificate-authority): it refuses the attacker\'s certificate');
    await expect.poll(() => field(page, 'kubelet-api:node-1', 'serverVerification').textContent(), { timeout: 15_000 }).toBe('verified');
    expect(await field(page, 'kubelet-api:node-1', 'claim').textContent()).toBe('C10');
    expect(await page.locator('#topology [data-edge="kubelet-api:node-1"]').textContent()).toContain('HTTPS · verified · client cert · Webhook');
    expect(await text(page, '#lab-status')).toContain('profile hardened');
    expect(await page.evaluate('window.hubspokeNeverReloaded')).toBe(true);

    // kubectl logs on node-1 now fails with the x509 error, and the attacker shows a refused handshake, no text.
    await kubectl(['apply', '-f', '-'], { kubeconfig, input: CHATTY });
    await waitFor(async () => (await kubectl(['get', 'pod', 'chatty', '--no-headers'], { kubeconfig })).stdout.includes('Running'), { timeoutMs: 20_000, what: 'chatty Running again' });
    const refused = await kubectl(['logs', 'chatty'], { kubeconfig });
    expect(refused.stderr).toContain('tls: failed to verify certificate: x509: certificate signed by unknown authority');
    await expect.poll(async () => Number(await page.locator('#mitm-body [data-field="refused"]').textContent()), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.locator('#mitm-body [data-field="captures"]').textContent()).toBe('0');
    expect(await field(page, 'kubelet-api:node-1', 'note').textContent()).toContain('the apiserver refuses the certificate the attacker shows');
    await page.screenshot({ path: join(DOCS, 'dashboard-verified.png'), fullPage: true });

    // One click runs a scenario on a lab of its own and shows what it observed.
    const scenario = page.locator('#scenario-list [data-scenario="kubelet-anonymous-refused"]');
    await scenario.locator('button[data-run]').click();
    await scenario.locator('[data-field="verdict"]').waitFor({ timeout: 30_000 });
    expect(await scenario.locator('[data-field="verdict"]').textContent()).toMatch(/^As expected \(\d+\.\d s\)$/);
    expect(await scenario.locator('[data-field="observations"]').textContent()).toContain('as expected: all three kubelet attacks are blocked');

    expect(errors).toEqual([]);
    await stop(second.child);
    await stop(dashboard.child);
  }, 150_000);
});
