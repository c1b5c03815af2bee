import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { lstat, mkdtemp, readFile, readlink, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCA, issueCertificate } from '@hubspoke/pki';
import type { CertKey } from '@hubspoke/pki';
import { openCertificateStore } from './certificate-store.ts';

let ca: CertKey;
let dir: string;
beforeAll(async () => {
  ca = await createCA({ commonName: 'store-test-ca' });
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-cert-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const clientCert = () => issueCertificate({ ca, commonName: 'system:node:node-a', organizations: ['system:nodes'], usage: 'client' });

describe('certificate store', () => {
  it('writes <prefix>-<timestamp>.pem (cert then key, mode 0600) and points the current symlink at it by absolute path', async () => {
    const clock = new Date(2025, 2, 4, 5, 6, 7);
    const store = await openCertificateStore({ pairNamePrefix: 'kubelet-client', certDir: dir, now: () => clock });
    expect(await store.current()).toBeUndefined();
    const issued = await clientCert();
    const pair = await store.update(issued.cert, issued.key);

    const file = path.join(dir, 'kubelet-client-2025-03-04-05-06-07.pem');
    expect(store.currentPath).toBe(path.join(dir, 'kubelet-client-current.pem'));
    expect((await lstat(store.currentPath)).isSymbolicLink()).toBe(true);
    expect(await readlink(store.currentPath)).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text.indexOf('BEGIN CERTIFICATE')).toBeLessThan(text.indexOf('PRIVATE KEY'));
    expect(pair.leaf.subject).toContain('CN=system:node:node-a');
    expect((await store.current())?.certPem).toBe(pair.certPem);
  });

  it('moves the symlink to each newer pair and keeps the older files', async () => {
    let second = 0;
    const store = await openCertificateStore({ pairNamePrefix: 'kubelet-server', certDir: dir, now: () => new Date(2025, 0, 1, 0, 0, second++) });
    const first = await clientCert();
    const next = await clientCert();
    await store.update(first.cert, first.key);
    await store.update(next.cert, next.key);
    expect((await readdir(dir)).sort()).toEqual([
      'kubelet-server-2025-01-01-00-00-00.pem',
      'kubelet-server-2025-01-01-00-00-01.pem',
      'kubelet-server-current.pem',
    ]);
    const reopened = await openCertificateStore({ pairNamePrefix: 'kubelet-server', certDir: dir });
    expect((await reopened.current())?.leaf.serialNumber).toBe(serialOf(next.cert));
  });

  it('finishes a swap an earlier process left at the updated link', async () => {
    const issued = await clientCert();
    const target = path.join(dir, 'kubelet-client-2025-01-01-00-00-00.pem');
    await writeFile(target, issued.cert + issued.key, { mode: 0o600 });
    await symlink(target, path.join(dir, 'kubelet-client-updated.pem'));
    const store = await openCertificateStore({ pairNamePrefix: 'kubelet-client', certDir: dir });
    expect(await readlink(store.currentPath)).toBe(target);
    expect((await store.current())?.certPem).toContain('BEGIN CERTIFICATE');
  });

  it('falls back to the configured files and then to <prefix>.crt/.key', async () => {
    const a = await clientCert();
    const b = await clientCert();
    await writeFile(path.join(dir, 'kubelet-server.crt'), b.cert);
    await writeFile(path.join(dir, 'kubelet-server.key'), b.key);
    const plain = await openCertificateStore({ pairNamePrefix: 'kubelet-server', certDir: dir });
    expect((await plain.current())?.leaf.serialNumber).toBe(serialOf(b.cert));
    await writeFile(path.join(dir, 'tls.crt'), a.cert);
    await writeFile(path.join(dir, 'tls.key'), a.key);
    const configured = await openCertificateStore({
      pairNamePrefix: 'kubelet-server',
      certDir: dir,
      certFile: path.join(dir, 'tls.crt'),
      keyFile: path.join(dir, 'tls.key'),
    });
    expect((await configured.current())?.leaf.serialNumber).toBe(serialOf(a.cert));
  });

  it('refuses a key that does not belong to the certificate, and a regular file where the symlink goes', async () => {
    const store = await openCertificateStore({ pairNamePrefix: 'kubelet-client', certDir: dir });
    const a = await clientCert();
    const b = await clientCert();
    await expect(store.update(a.cert, b.key)).rejects.toThrow(/private key does not match public key/);
    await writeFile(store.currentPath, 'not a link');
    await expect(store.update(a.cert, a.key)).rejects.toThrow(/to be a symlink but it is a file/);
  });
});

function serialOf(pem: string): string {
  return new X509Certificate(pem).serialNumber;
}
