import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { findAuthorizedKey, parseAuthorizedKeys } from './authorized-keys.ts';
import { testKeyPair } from './testing/key-pair.ts';

const ed = testKeyPair('apiserver@cp').public;
const ecdsa = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }).public;

describe('parseAuthorizedKeys', () => {
  it('reads keys with comments, skipping blank and # lines', () => {
    const parsed = parseAuthorizedKeys(`# the apiserver\n\n${ed}\n  ${ecdsa}  \n`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.keys.map((k) => k.key.type)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256']);
    expect(parsed.keys[0]!.comment).toBe('apiserver@cp');
    expect(parsed.keys[0]!.fingerprint).toMatch(/^SHA256:/);
  });

  it('keeps a leading options field, quoted spaces included, apart from the key', () => {
    const parsed = parseAuthorizedKeys(`from="10.0.0.1, 10.0.0.2",permitopen="127.0.0.1:10250" ${ed}`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.keys[0]!.options).toBe('from="10.0.0.1, 10.0.0.2",permitopen="127.0.0.1:10250"');
    expect(parsed.keys[0]!.key.type).toBe('ssh-ed25519');
  });

  it('reports a broken line by number and keeps the good ones', () => {
    const parsed = parseAuthorizedKeys(`ssh-ed25519 notbase64!!\n${ed}`);
    expect(parsed.errors.map((e) => e.line)).toEqual([1]);
    expect(parsed.keys).toHaveLength(1);
  });

  it('finds a key by the blob a client offers, and nothing for another key', () => {
    const { keys } = parseAuthorizedKeys(ed);
    const offered = ssh2.utils.parseKey(ed);
    if (offered instanceof Error || Array.isArray(offered)) throw new Error('parse');
    expect(findAuthorizedKey(keys, offered.getPublicSSH())).toBe(keys[0]);
    const other = ssh2.utils.parseKey(ecdsa);
    if (other instanceof Error || Array.isArray(other)) throw new Error('parse');
    expect(findAuthorizedKey(keys, other.getPublicSSH())).toBeUndefined();
  });
});
