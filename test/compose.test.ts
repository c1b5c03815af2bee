// docker-compose.yml is checked without a Docker engine: every service runs a binary this repository ships,
// with flags that binary accepts, and every certificate path it names is one `hubspoke certs` writes.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { writeCerts } from '@hubspoke/lab';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { command: string[]; volumes?: string[] }>;
};

describe('docker-compose.yml', () => {
  it('runs only binaries this repository ships, with flags they accept', async () => {
    const helpCache = new Map<string, string>();
    for (const [name, svc] of Object.entries(compose.services)) {
      const [bin, ...args] = svc.command;
      const path = join(ROOT, 'node_modules/.bin', bin);
      expect(existsSync(path), `${name}: ${bin} is not in node_modules/.bin`).toBe(true);
      const sub = bin === 'hubspoke' ? [args[0]] : [];
      const key = [bin, ...sub].join(' ');
      if (!helpCache.has(key)) helpCache.set(key, (await run(path, [...sub, '--help'])).stdout);
      for (const arg of args.filter((a) => a.startsWith('--'))) {
        const flag = arg.split('=')[0];
        expect(helpCache.get(key), `${name}: ${bin} does not accept ${flag}`).toContain(flag);
      }
    }
  });

  it('names only certificate files that `hubspoke certs` writes', async () => {
    const certs = compose.services.certs.command;
    const dir = await mkdtemp(join(tmpdir(), 'compose-certs-'));
    try {
      const nodes = certs.filter((a) => a.startsWith('--node=')).map((a) => {
        const [n, address] = a.slice('--node='.length).split('=');
        return { name: n, address };
      });
      await writeCerts({ dir, apiserverAddresses: ['172.28.0.10'], server: 'https://127.0.0.1:6443', serviceClusterIP: '10.96.0.1', nodes });
      const referenced = Object.values(compose.services)
        .flatMap((s) => s.command)
        .map((a) => /=(\/certs\/[^,]+)$/.exec(a)?.[1])
        .filter((p): p is string => !!p && !p.endsWith('audit.log') && p !== '/certs');
      expect(referenced.length).toBeGreaterThanOrEqual(10);
      for (const p of referenced) expect(existsSync(join(dir, p.slice('/certs/'.length))), p).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('builds from files that exist', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    for (const m of dockerfile.matchAll(/^COPY (.+) \S+$/gm)) {
      for (const f of m[1].split(/\s+/)) expect(existsSync(join(ROOT, f)), f).toBe(true);
    }
  });
});
