// The kubelet's private keys: ECDSA P-256, written as SEC1 "EC PRIVATE KEY" PEM the way client-go's keyutil
// writes them, and read back whatever PEM flavour they come in.
import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/** The key types a certificate request may carry. */
export type KeyAlgorithm = 'ec' | 'rsa';

const generate = promisify(generateKeyPair);

/** A fresh ECDSA P-256 private key as SEC1 PEM (`-----BEGIN EC PRIVATE KEY-----`). */
export async function generateEcPrivateKey(): Promise<string> {
  const { privateKey } = await generate('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'sec1', format: 'pem' }) as string;
}

/** Parses a PEM private key (SEC1, PKCS#8 or PKCS#1); throws on anything else. */
export function parsePrivateKey(pem: string): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem' });
}

/** Whether `pem` holds a usable private key (keyutil's ParsePrivateKeyPEM succeeding). */
export function isPrivateKeyPem(pem: string | undefined): pem is string {
  if (!pem) return false;
  try {
    parsePrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

/** The key's algorithm; other key types (ed25519 …) are refused, as the kubelet's signers take only these. */
export function keyAlgorithm(key: KeyObject): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'ec' || type === 'rsa') return type;
  throw new Error(`unsupported private key type ${String(type)}: expected EC or RSA`);
}

/** The DER SubjectPublicKeyInfo of the private key's public half (Go's x509.MarshalPKIXPublicKey). */
export function publicKeyDer(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

/**
 * keyutil.LoadOrGenerateKeyFile: the key in `file` if it parses, else a new ECDSA P-256 key written there
 * (mode 0600), so a bootstrap that fails and restarts asks again with the same key and finds its own CSR.
 */
export async function loadOrGenerateKeyFile(file: string): Promise<string> {
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (isPrivateKeyPem(existing)) return existing;
  const pem = await generateEcPrivateKey();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  await writeFile(file, pem, { mode: 0o600 });
  return pem;
}
