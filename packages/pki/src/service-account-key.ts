// The key pair the apiserver signs ServiceAccount tokens with (--service-account-signing-key-file / -key-file).
import { generateKeyPair } from 'node:crypto';

/** PEM key pair: PKCS#8 private key, SPKI public key. */
export interface ServiceAccountKeyPair {
  privateKey: string;
  publicKey: string;
}

/** EC P-256 (ES256 tokens) by default; RSA-2048 (RS256, kubeadm's choice) on request. */
export async function createServiceAccountKeyPair(options: { type?: 'ec' | 'rsa' } = {}): Promise<ServiceAccountKeyPair> {
  const encoding = {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  } as const;
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: string, privateKey: string) =>
      error ? reject(error) : resolve({ privateKey, publicKey });
    if (options.type === 'rsa') generateKeyPair('rsa', { modulusLength: 2048, ...encoding }, done);
    else generateKeyPair('ec', { namedCurve: 'prime256v1', ...encoding }, done);
  });
}
