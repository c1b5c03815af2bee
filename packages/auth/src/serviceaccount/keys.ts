// Key handling for ServiceAccount tokens: which JWS algorithm a key signs with, its `kid`, and reading the PEM
// files `--service-account-key-file` / `--service-account-signing-key-file` accept.
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

/** The JWS algorithms Kubernetes signs ServiceAccount tokens with. */
export type SigningAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512';

const EC_ALGORITHMS: Record<string, SigningAlgorithm> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

/** RS256 for RSA keys, ES256/384/512 by curve for EC keys; throws for anything else. */
export function signingAlgorithm(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const alg = EC_ALGORITHMS[curve];
    if (alg) return alg;
    throw new Error(`unsupported EC curve for service account tokens: ${curve}`);
  }
  throw new Error(`unsupported key type for service account tokens: ${key.asymmetricKeyType}`);
}

/** base64url(SHA-256(DER SubjectPublicKeyInfo)), as the apiserver computes a token's `kid`. */
export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/**
 * Every public key in the given PEM texts. Like `--service-account-key-file`, a text may hold several blocks,
 * and a block may be a public key, a private key (its public half is used) or a certificate.
 */
export function loadPublicKeys(pems: string[]): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const text of pems) {
    const blocks = [...text.matchAll(PEM_BLOCK)];
    if (blocks.length === 0) throw new Error('no PEM block found in service account key data');
    for (const [block, label] of blocks) {
      if (label === 'CERTIFICATE') keys.push(new X509Certificate(block).publicKey);
      else if (label.endsWith('PRIVATE KEY')) keys.push(createPublicKey(createPrivateKey(block)));
      else keys.push(createPublicKey(block));
    }
  }
  return keys;
}
