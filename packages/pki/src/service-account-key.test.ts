import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createServiceAccountKeyPair } from './service-account-key.ts';

describe('createServiceAccountKeyPair', () => {
  it('makes a PKCS#8/SPKI EC P-256 pair whose halves match', async () => {
    const pair = await createServiceAccountKeyPair();
    expect(pair.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pair.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const key = createPrivateKey(pair.privateKey);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const signature = sign('sha256', Buffer.from('token'), key);
    expect(verify('sha256', Buffer.from('token'), createPublicKey(pair.publicKey), signature)).toBe(true);
  });

  it('makes RSA-2048 on request', async () => {
    const pair = await createServiceAccountKeyPair({ type: 'rsa' });
    const key = createPrivateKey(pair.privateKey);
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});
