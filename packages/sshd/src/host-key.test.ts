import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateHostKeyPem, loadHostKey, sshFingerprint } from './host-key.ts';

describe('host keys', () => {
  it('generates an ed25519 key in OpenSSH format that signs and verifies', () => {
    const pem = generateHostKeyPem();
    expect(pem).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
    const key = loadHostKey(pem);
    expect(key.parsed.type).toBe('ssh-ed25519');
    const sig = key.parsed.sign(Buffer.from('exchange hash'));
    expect(key.parsed.verify(Buffer.from('exchange hash'), sig)).toBe(true);
  });

  it('writes keys whose public half starts with a zero byte whole (ssh2\'s own generator drops that byte)', () => {
    // About one key in 256 starts with 0x00: 4000 keys hold about 16 (none: p < 1e-6), and every one must load with 32 bytes.
    let leadingZero = 0;
    for (let i = 0; i < 4000; i++) {
      const blob = loadHostKey(generateHostKeyPem('k')).parsed.getPublicSSH();
      const key = blob.subarray(blob.length - 32);
      expect(blob.readUInt32BE(blob.length - 36)).toBe(32);
      if (key[0] === 0) leadingZero++;
    }
    expect(leadingZero).toBeGreaterThan(0);
  });

  it('accepts PKCS#8 ed25519, RSA and EC keys as node:crypto writes them', () => {
    const pkcs8 = (k: ReturnType<typeof generateKeyPairSync>) => k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(loadHostKey(pkcs8(generateKeyPairSync('ed25519'))).parsed.type).toBe('ssh-ed25519');
    expect(loadHostKey(pkcs8(generateKeyPairSync('rsa', { modulusLength: 2048 }))).parsed.type).toBe('ssh-rsa');
    expect(loadHostKey(pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }))).parsed.type).toBe('ecdsa-sha2-nistp256');
  });

  it('keeps the public key when re-encoding PKCS#8 ed25519', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const key = loadHostKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const raw = publicKey.export({ format: 'jwk' }).x!;
    // The SSH blob ends with the 32 raw public key bytes.
    expect(key.parsed.getPublicSSH().subarray(-32).toString('base64url')).toBe(raw);
  });

  it('refuses a public key where a private host key is needed', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pub = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(() => loadHostKey(pub)).toThrow();
  });

  it('formats fingerprints as OpenSSH does (SHA256, unpadded base64)', () => {
    const blob = Buffer.from('any blob');
    const expected = createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
    expect(sshFingerprint(blob)).toBe(`SHA256:${expected}`);
    expect(sshFingerprint(blob)).not.toContain('=');
  });
});
