import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { digestedCsrName } from './csr-name.ts';
import { generateEcPrivateKey, parsePrivateKey, publicKeyDer } from './private-key.ts';

const subject = { commonName: 'system:node:node-a', organizations: ['system:nodes'] };

describe('digestedCsrName', () => {
  it('names the request node-csr- plus the unpadded base64url SHA-512/256 of the fields, each base64url-encoded and |-terminated', async () => {
    const der = publicKeyDer(parsePrivateKey(await generateEcPrivateKey()));
    const stream = [der, Buffer.from('system:node:node-a'), Buffer.from('system:nodes'), Buffer.from('digital signature'), Buffer.from('client auth')]
      .map((part) => `${part.toString('base64url')}|`)
      .join('');
    const expected = `node-csr-${createHash('sha512-256').update(stream).digest('base64url')}`;
    expect(digestedCsrName(der, subject, ['digital signature', 'client auth'])).toBe(expected);
    expect(expected).toMatch(/^node-csr-[A-Za-z0-9_-]{43}$/);
  });

  it('gives the same key the same name and any change of key, subject or usages a different one', async () => {
    const der = publicKeyDer(parsePrivateKey(await generateEcPrivateKey()));
    const other = publicKeyDer(parsePrivateKey(await generateEcPrivateKey()));
    const name = digestedCsrName(der, subject, ['digital signature', 'client auth']);
    expect(digestedCsrName(der, subject, ['digital signature', 'client auth'])).toBe(name);
    expect(digestedCsrName(other, subject, ['digital signature', 'client auth'])).not.toBe(name);
    expect(digestedCsrName(der, { ...subject, commonName: 'system:node:node-b' }, ['digital signature', 'client auth'])).not.toBe(name);
    expect(digestedCsrName(der, subject, ['digital signature', 'key encipherment', 'client auth'])).not.toBe(name);
  });

  it('keeps field boundaries apart: CN "ab" + O "c" differs from CN "a" + O "bc"', async () => {
    const der = publicKeyDer(parsePrivateKey(await generateEcPrivateKey()));
    expect(digestedCsrName(der, { commonName: 'ab', organizations: ['c'] }, [])).not.toBe(
      digestedCsrName(der, { commonName: 'a', organizations: ['bc'] }, []),
    );
  });
});
