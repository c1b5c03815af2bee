// Node's WebCrypto wired into @peculiar/x509, and PEM keys turned into WebCrypto signing keys.
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// selfsigned sets the same provider when loaded; doing it here keeps CSR code independent of import order.
x509.cryptoProvider.set(webcrypto);

/** The WebCrypto subtle API the package signs and generates keys with. */
export const subtle = webcrypto.subtle;

/** Key generation parameters for an EC P-256 key pair, the package's default key. */
export const EC_P256: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

/** A private key ready to sign certificates, with the signature algorithm Go would pick for it. */
export interface SigningKey {
  key: webcrypto.CryptoKey;
  algorithm: webcrypto.Algorithm | webcrypto.EcdsaParams;
}

const CURVE_NAMES: Record<string, { curve: string; hash: string }> = {
  prime256v1: { curve: 'P-256', hash: 'SHA-256' },
  secp384r1: { curve: 'P-384', hash: 'SHA-384' },
  secp521r1: { curve: 'P-521', hash: 'SHA-512' },
};

/** Imports a PEM private key (PKCS#8, SEC1 or PKCS#1) of type EC or RSA for signing. */
export async function importSigningKey(pem: string): Promise<SigningKey> {
  const keyObject = createPrivateKey(pem);
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  if (keyObject.asymmetricKeyType === 'ec') {
    const named = CURVE_NAMES[keyObject.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!named) throw new Error(`unsupported EC curve ${String(keyObject.asymmetricKeyDetails?.namedCurve)}`);
    const key = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: named.curve }, false, ['sign']);
    return { key, algorithm: { name: 'ECDSA', hash: named.hash } as webcrypto.EcdsaParams };
  }
  if (keyObject.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
    return { key, algorithm };
  }
  throw new Error(`unsupported signing key type ${String(keyObject.asymmetricKeyType)}: expected EC or RSA`);
}
