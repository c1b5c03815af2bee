// Leaf certificates issued by a CA whose key we hold (components' serving and client certificates).
import type { webcrypto } from 'node:crypto';
import { mergeAltNames } from './alt-names.ts';
import type { CertKey } from './cert-key.ts';
import { encodePem } from './pem.ts';
import { signLeaf } from './sign-leaf.ts';
import { subjectString } from './subject.ts';
import type { CertUsage } from './usage.ts';
import type { ValidityOptions } from './validity.ts';
import { EC_P256, subtle } from './webcrypto.ts';

/** What to put in a leaf certificate. O entries become Kubernetes groups of a client certificate. */
export interface IssueCertificateOptions extends ValidityOptions {
  ca: CertKey;
  commonName: string;
  organizations?: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  usage: CertUsage;
}

/**
 * A new EC P-256 key and a leaf certificate for it signed by `ca` (default one year): CA:false,
 * digitalSignature + keyEncipherment, extKeyUsage per `usage`, the given SANs.
 */
export async function issueCertificate(options: IssueCertificateOptions): Promise<CertKey> {
  const altNames = mergeAltNames(options);
  const subject = subjectString(options);
  const keys = (await subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const [cert, pkcs8] = await Promise.all([
    signLeaf({ ...options, publicKey: keys.publicKey, subject, altNames }),
    subtle.exportKey('pkcs8', keys.privateKey),
  ]);
  return { cert, key: encodePem('PRIVATE KEY', new Uint8Array(pkcs8)) };
}
