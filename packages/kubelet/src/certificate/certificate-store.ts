// client-go's certificate FileStore: every issued certificate is written with its key to
// `<prefix>-<YYYY-MM-DD-HH-MM-SS>.pem`, and the symlink `<prefix>-current.pem` is moved to it by renaming a
// fresh `<prefix>-updated.pem` link over it, so readers always see a complete pair.
import { X509Certificate } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodePemBlocks, encodePem } from '@hubspoke/pki';
import { parsePrivateKey } from './private-key.ts';

/** A certificate chain with its key, as loaded from or written to the store. */
export interface CertificatePair {
  /** PEM certificates, leaf first. */
  certPem: string;
  /** PEM private key. */
  keyPem: string;
  /** The leaf, parsed. */
  leaf: X509Certificate;
  notBefore: Date;
  notAfter: Date;
}

/** Where the pairs live. */
export interface CertificateStoreOptions {
  /** `kubelet-client` or `kubelet-server`. */
  pairNamePrefix: string;
  certDir: string;
  /** Fallback pair when no current.pem exists (`--tls-cert-file` / `--tls-private-key-file`). */
  certFile?: string;
  keyFile?: string;
  /** Clock for file names; local time, as Go's time.Now().Format. */
  now?: () => Date;
}

/** The store. */
export interface CertificateStore {
  /** Absolute path of `<prefix>-current.pem` (what kubeconfigs point at). */
  readonly currentPath: string;
  /** current.pem, else the fallback files, else `<prefix>.crt` + `.key`; undefined when none exists. */
  current(): Promise<CertificatePair | undefined>;
  /** Writes a new timestamped pair and points current.pem at it. */
  update(certPem: string, keyPem: string): Promise<CertificatePair>;
}

/** Opens the store, finishing a symlink swap an earlier process was interrupted in (recover). */
export async function openCertificateStore(opts: CertificateStoreOptions): Promise<CertificateStore> {
  const dir = path.resolve(opts.certDir);
  const file = (qualifier: string) => path.join(dir, `${opts.pairNamePrefix}-${qualifier}.pem`);
  const currentPath = file('current');
  const updatedPath = file('updated');
  const now = opts.now ?? (() => new Date());

  if (!(await exists(currentPath)) && (await isSymlink(updatedPath))) await rename(updatedPath, currentPath);

  return {
    currentPath,
    async current() {
      if (await exists(currentPath)) return loadPair(currentPath, currentPath);
      if (opts.certFile && opts.keyFile && (await exists(opts.certFile)) && (await exists(opts.keyFile))) {
        return loadPair(opts.certFile, opts.keyFile);
      }
      const crt = path.join(dir, `${opts.pairNamePrefix}.crt`);
      const key = path.join(dir, `${opts.pairNamePrefix}.key`);
      if ((await exists(crt)) && (await exists(key))) return loadPair(crt, key);
      return undefined;
    },
    async update(certPem, keyPem) {
      const certificates = decodePemBlocks(certPem).filter((b) => b.label === 'CERTIFICATE');
      if (certificates.length === 0) throw new Error('invalid certificate data: no CERTIFICATE PEM block');
      const key = decodePemBlocks(keyPem)[0];
      if (!key) throw new Error('invalid key data');
      await mkdir(dir, { recursive: true, mode: 0o755 });
      const pairPath = file(timestamp(now()));
      const contents = [...certificates.map((c) => encodePem('CERTIFICATE', c.der)), encodePem(key.label, key.der)].join('');
      await writeFile(pairPath, contents, { mode: 0o600 });
      const pair = await loadPair(pairPath, pairPath);
      // A regular file where the link belongs means someone else manages it: refuse rather than clobber.
      for (const link of [currentPath, updatedPath]) {
        if ((await lexists(link)) && !(await isSymlink(link))) throw new Error(`expected "${link}" to be a symlink but it is a file`);
      }
      await rm(updatedPath, { force: true });
      await symlink(pairPath, updatedPath);
      await rename(updatedPath, currentPath);
      return pair;
    },
  };
}

/** Reads a pair; cert and key may share one file. Throws when they do not belong together. */
export async function loadPair(certFile: string, keyFile: string): Promise<CertificatePair> {
  const [certText, keyText] = await Promise.all([readFile(certFile, 'utf8'), keyFile === certFile ? undefined : readFile(keyFile, 'utf8')]);
  return parsePair(certText, keyText ?? certText, certFile);
}

/** Parses PEM certificates and key (tls.X509KeyPair); `where` names the source in errors. */
export function parsePair(certText: string, keyText: string, where = 'the given data'): CertificatePair {
  const blocks = decodePemBlocks(certText);
  const certificates = blocks.filter((b) => b.label === 'CERTIFICATE');
  const keyBlock = decodePemBlocks(keyText).find((b) => b.label.endsWith('PRIVATE KEY'));
  if (certificates.length === 0 || !keyBlock) throw new Error(`could not convert data from "${where}" into cert/key pair`);
  const leaf = new X509Certificate(certificates[0].der);
  const keyPem = encodePem(keyBlock.label, keyBlock.der);
  if (!leaf.checkPrivateKey(parsePrivateKey(keyPem))) throw new Error(`tls: private key does not match public key (${where})`);
  return {
    certPem: certificates.map((c) => encodePem('CERTIFICATE', c.der)).join(''),
    keyPem,
    leaf,
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
  };
}

// Go's "2006-01-02-15-04-05" in local time.
function timestamp(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}-${two(at.getHours())}-${two(at.getMinutes())}-${two(at.getSeconds())}`;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function lexists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

async function isSymlink(file: string): Promise<boolean> {
  return lstat(file).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );
}
