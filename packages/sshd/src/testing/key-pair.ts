// A fresh ed25519 key pair for tests, made with hubspoke's own generator. ssh2's utils.generateKeyPairSync
// writes a malformed OpenSSH private key when the public key starts with a zero byte (about 1 key in 300: it drops
// the byte), which its own parser then refuses, so tests that used it failed now and then.
import { generateHostKeyPem, loadHostKey } from '../host-key.ts';

/** An OpenSSH private key and its authorized_keys line (`ssh-ed25519 AAAA… comment`). */
export interface TestKeyPair {
  private: string;
  public: string;
}

/** A new ed25519 key pair, shaped like ssh2.utils.generateKeyPairSync's result. */
export function testKeyPair(comment = 'test'): TestKeyPair {
  const pem = generateHostKeyPem(comment);
  const parsed = loadHostKey(pem).parsed;
  return { private: pem, public: `${parsed.type} ${parsed.getPublicSSH().toString('base64')} ${comment}` };
}
