// The sniff command as a user runs it: its own process, real sockets, output on stdout and in --output.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../sniff/exchange-report.ts';

const REPO = resolve(import.meta.dirname, '../../../..');
const PROGRAM = `
import { Command } from 'commander';
import { addSniffCommand } from '${pathToFileURL(join(import.meta.dirname, 'sniff-command.ts')).href}';
const program = new Command('hubspoke-attacker');
addSniffCommand(program);
await program.parseAsync(process.argv.slice(1), { from: 'user' });
`;
const cleanup: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function run(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROGRAM, 'sniff', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  cleanup.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  return { child, output: () => out, exited };
}

/** The ports the command reports it listens on. */
async function ports(r: Running): Promise<number[]> {
  for (let i = 0; i < 300; i++) {
    const m = /^sniffing on \S+, ports (.+)$/m.exec(r.output());
    if (m) return m[1].split(', ').map((p) => parseInt(p, 10));
    if (r.child.exitCode !== null) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`the sniffer did not start:\n${r.output()}`);
}

async function pod(): Promise<number> {
  const server: Server = createServer((req, res) => res.end(`pod says ${req.url}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => server.close(r)));
  return (server.address() as AddressInfo).port;
}

describe('hubspoke-attacker sniff', () => {
  it('shows each relayed exchange live, saves it as a JSON line and exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sniff-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const output = join(dir, 'exchanges.jsonl');
    const upstream = await pod();
    const r = run(['--address', '127.0.0.1', '--port', '0', '--upstream', `127.0.0.1:${upstream}`, '--output', output]);
    const [port] = await ports(r);

    const answer = await (await fetch(`http://127.0.0.1:${port}/private?token=t0p`)).text();
    expect(answer).toBe('pod says /private?token=t0p');
    for (let i = 0; i < 100 && !r.output().includes('< pod says'); i++) await new Promise((res) => setTimeout(res, 50));
    expect(r.output()).toMatch(new RegExp(`#1 127\\.0\\.0\\.1:\\d+ → 127\\.0\\.0\\.1:${port} \\(http\\): GET /private\\?token=t0p → 200\\n  > GET /private\\?token=t0p HTTP/1\\.1\\n`));
    expect(r.output()).toContain('  < pod says /private?token=t0p\n');

    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    const lines = (await readFile(output, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as ExchangeRecord);
    expect(lines).toEqual([
      expect.objectContaining({
        capture: 1,
        destination: `127.0.0.1:${port}`,
        scheme: 'http',
        impersonated: false,
        response: expect.objectContaining({ status: 200, body: 'pod says /private?token=t0p' }),
      }),
    ]);
    expect(lines[0].request.raw).toMatch(/^GET \/private\?token=t0p HTTP\/1\.1\r\n/);
  }, 20_000);

  it('answers on a TLS port itself with --impersonate', async () => {
    const r = run(['--address', '127.0.0.1', '--tls-port', '0', '--impersonate', '--impersonate-body', 'not the pod\n']);
    const [port] = await ports(r);
    expect(r.output()).toContain(`ports ${port} (TLS, impersonating)`);
    const body = await new Promise<string>((res, rej) => {
      import('node:https').then(({ get }) =>
        get({ host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false }, (resp) => {
          let text = '';
          resp.on('data', (d: Buffer) => (text += d));
          resp.on('end', () => res(text));
        }).on('error', rej),
      );
    });
    expect(body).toBe('not the pod\n');
  }, 20_000);

  it('refuses to start without a port', async () => {
    const r = run(['--address', '127.0.0.1']);
    expect(await r.exited).toBe(1);
    expect(r.output()).toContain('error: give at least one --port or --tls-port');
  }, 20_000);
});
