import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { testKeyPair } from '../testing/key-pair.ts';

const bin = path.resolve(fileURLToPath(import.meta.url), '../../../../../node_modules/.bin/hubspoke-sshd');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor<T>(probe: () => T | undefined, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hubspoke-sshd-bin-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('hubspoke-sshd', () => {
  it('fails an unknown flag with exit 1 and the pflag message', async () => {
    const r = run(['--x']);
    expect(await r.exited).toBe(1);
    expect(r.stderr()).toBe('Error: unknown flag: --x\n');
    expect(r.stdout()).toBe('');
  });

  it('starts with a generated host key file, logs only JSON, forwards TCP, and stops on SIGTERM', async () => {
    const dir = await tempDir();
    const client = testKeyPair();
    const akFile = path.join(dir, 'authorized_keys');
    await writeFile(akFile, `${client.public}\n`);
    const hostKeyFile = path.join(dir, 'ssh_host_ed25519_key');

    const echo: Server = createServer((s) => s.pipe(s));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => echo.close(() => resolve())));
    const echoPort = (echo.address() as AddressInfo).port;

    const r = run(['--listen-address=127.0.0.1', '--port=0', `--host-key-file=${hostKeyFile}`, `--authorized-keys-file=${akFile}`, '--user=kube-apiserver']);
    const listening = await waitFor(() => {
      const line = r.stdout().split('\n').find((l) => l.includes('Listening for SSH tunnels'));
      return line ? (JSON.parse(line) as { port: number; hostKeys: string[] }) : undefined;
    }, 'the listening log line');
    expect((await stat(hostKeyFile)).mode & 0o777).toBe(0o600);

    const conn = new ssh2.Client();
    cleanups.push(() => {
      conn.end();
    });
    let seenHostKey = '';
    await new Promise<void>((resolve, reject) => {
      conn.once('ready', resolve).once('error', reject);
      conn.connect({
        host: '127.0.0.1',
        port: listening.port,
        username: 'kube-apiserver',
        privateKey: client.private,
        hostHash: 'sha256',
        hostVerifier: (hash: string) => {
          seenHostKey = `SHA256:${Buffer.from(hash, 'hex').toString('base64').replace(/=+$/, '')}`;
          return true;
        },
      });
    });
    expect(listening.hostKeys).toEqual([seenHostKey]);
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      conn.forwardOut('127.0.0.1', 0, '127.0.0.1', echoPort, (err, s) => (err ? reject(err) : resolve(s))),
    );
    const reply = new Promise<string>((resolve) => stream.once('data', (d: Buffer) => resolve(d.toString())));
    stream.write('through the tunnel');
    expect(await reply).toBe('through the tunnel');
    conn.end();

    await waitFor(() => (r.stdout().includes('"msg":"Forwarding"') ? true : undefined), 'the forward log line');
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    expect(r.stderr()).toBe('');
    const lines = r.stdout().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toEqual(
      expect.arrayContaining(['Generated host key', 'Listening for SSH tunnels', 'Accepted publickey connection', 'Forwarding', 'Shutting down sshd']),
    );
  });
});
