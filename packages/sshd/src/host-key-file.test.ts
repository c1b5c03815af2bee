import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHostKey } from './host-key.ts';
import { loadOrCreateHostKeyFile } from './host-key-file.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('loadOrCreateHostKeyFile', () => {
  it('creates a private 0600 key on first start and reads the same key afterwards', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sshd-hostkey-'));
    dirs.push(dir);
    const file = path.join(dir, 'etc', 'ssh_host_ed25519_key');
    const first = await loadOrCreateHostKeyFile(file);
    expect(first.created).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe(first.pem);
    const second = await loadOrCreateHostKeyFile(file);
    expect(second.created).toBe(false);
    expect(loadHostKey(second.pem).fingerprint).toBe(loadHostKey(first.pem).fingerprint);
  });
});
