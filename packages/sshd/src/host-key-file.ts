// Host key files as sshd keeps them: read the key at each path, or create one there (mode 0600) on first start,
// like `ssh-keygen -A` does for a fresh node.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateHostKeyPem } from './host-key.ts';

/** A host key PEM and whether this call created its file. */
export interface HostKeyFile {
  path: string;
  pem: string;
  created: boolean;
}

/** Reads the private key at `file`, generating and writing an ed25519 key when the file does not exist. */
export async function loadOrCreateHostKeyFile(file: string): Promise<HostKeyFile> {
  try {
    return { path: file, pem: await readFile(file, 'utf8'), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const pem = generateHostKeyPem();
  await mkdir(path.dirname(file), { recursive: true });
  // 'wx' so two starting servers never overwrite each other's fresh key.
  await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
  return { path: file, pem, created: true };
}
