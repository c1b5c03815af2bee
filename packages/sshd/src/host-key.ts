// Host keys: load the PEM an operator gives, or generate one with node:crypto. ssh2 reads OpenSSH, PKCS#1 and
// SEC1 PEM but not PKCS#8 (what node:crypto writes for ed25519), so PKCS#8 keys are re-encoded first.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';

/** A host key ready for ssh2, with its public fingerprint. */
export interface HostKey {
  /** PEM that ssh2 parses (OpenSSH, PKCS#1 or SEC1). */
  pem: string;
  parsed: ParsedKey;
  /** OpenSSH `SHA256:…` fingerprint of the public key. */
  fingerprint: string;
}

/** The OpenSSH SHA256 fingerprint (`SHA256:` + unpadded base64) of a public key blob in SSH wire form. */
export function sshFingerprint(publicBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Generates a fresh ed25519 host key, returned as an OpenSSH-format PEM. */
export function generateHostKeyPem(comment = 'hubspoke-sshd'): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return ed25519ToOpenSsh(privateKey, comment);
}

/** Parses a private host key PEM; throws with a plain message when it is not a usable private key. */
export function loadHostKey(pem: string): HostKey {
  const usable = /-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(pem) ? fromPkcs8(pem) : pem;
  const parsed = ssh2.utils.parseKey(usable);
  if (parsed instanceof Error) throw new Error(`cannot parse host key: ${parsed.message}`);
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
  if (!key.isPrivateKey()) throw new Error('host key is not a private key');
  return { pem: usable, parsed: key, fingerprint: sshFingerprint(key.getPublicSSH()) };
}

function fromPkcs8(pem: string): string {
  const key = createPrivateKey(pem);
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return key.export({ type: 'pkcs1', format: 'pem' }).toString();
    case 'ec':
      return key.export({ type: 'sec1', format: 'pem' }).toString();
    case 'ed25519':
      return ed25519ToOpenSsh(key, '');
    default:
      throw new Error(`unsupported host key type ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** Writes an unencrypted `openssh-key-v1` container (PROTOCOL.key in OpenSSH) holding one ed25519 key. */
function ed25519ToOpenSsh(key: KeyObject, comment: string): string {
  const jwk = key.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const pub = Buffer.from(jwk.x ?? '', 'base64url');
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4).readUInt32BE();
  let secret = Buffer.concat([
    uint32(check),
    uint32(check),
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const padding: number[] = [];
  for (let i = 1; (secret.length + padding.length) % 8 !== 0; i++) padding.push(i);
  secret = Buffer.concat([secret, Buffer.from(padding)]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(secret),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
