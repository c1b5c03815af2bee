// `hubspoke up` as a person runs it: it comes up, says where things are, answers kubectl, and stops
// cleanly on Ctrl-C (SIGINT).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hubspoke/lab';
import { kubectl } from './support/kubectl.ts';
import { freePortOn } from './support/net.ts';

const BIN = resolve(import.meta.dirname, '../node_modules/.bin/hubspoke');
let dir: string | undefined;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('hubspoke up', () => {
  it('starts the lab, serves kubectl, and stops cleanly on SIGINT', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-up-'));
    const port = await freePortOn(['127.0.0.1']);
    const kubeletPort = await freePortOn(['127.0.10.1', '127.0.10.2']);
    const child = spawn(BIN, ['up', `--dir=${dir}`, `--port=${port}`, `--kubelet-port=${kubeletPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    try {
      await waitFor(() => out.includes('Ctrl-C stops the lab.'), { timeoutMs: 45_000, what: `the lab summary; output so far:\n${out}` });
      expect(out).toContain(`apiserver https://127.0.0.1:${port}`);
      expect(out).toContain(`node-1   https://127.0.10.1:${kubeletPort}`);
      expect(out).toContain(`admin kubeconfig  ${join(dir, 'admin.conf')}`);
      await waitFor(async () => {
        const r = await kubectl(['get', 'pods', '--no-headers'], { kubeconfig: join(dir!, 'admin.conf') });
        return ['web', 'logger', 'shell', 'api-client'].every((p) => new RegExp(`^${p}\\s+1/1\\s+Running`, 'm').test(r.stdout));
      }, { timeoutMs: 20_000, what: 'the demo pods Running' });
      const alice = await kubectl(['get', 'pods'], { kubeconfig: join(dir, 'users', 'alice.token.conf') });
      expect(alice.stderr.trim()).toBe('Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
    } finally {
      child.kill('SIGINT');
    }
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(out).toContain('Stopped.');
  });

  it('names the port and the flag when the apiserver port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    const d = await mkdtemp(join(tmpdir(), 'lab-busy-'));
    try {
      const child = spawn(BIN, ['up', `--dir=${d}`, `--port=${port}`, '--kubelet-port=0', '--no-demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (x: Buffer) => (err += x));
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).toBe(1);
      expect(err).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(err).toContain('--port');
    } finally {
      blocker.close();
      await rm(d, { recursive: true, force: true });
    }
  });
});
