// The one place leaf certificates are signed: a CA key over a public key, with Kubernetes' leaf profile.
import { randomBytes, type webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { peculiarAltNames, type AltNames } from './alt-names.ts';
import type { CertKey } from './cert-key.ts';
import { encodePem } from './pem.ts';
import { extKeyUsageFlags, type CertUsage } from './usage.ts';
import { resolveValidity, type ValidityOptions } from './validity.ts';
import { importSigningKey, type SigningKey } from './webcrypto.ts';

/** A public key to certify, the identity and SANs to bind to it, and the usage to grant. */
export interface SignLeafOptions extends ValidityOptions {
  ca: CertKey;
  publicKey: x509.PublicKey | webcrypto.CryptoKey;
  subject: string | x509.Name;
  altNames: AltNames;
  usage: CertUsage;
}

/** A CA prepared for signing: its key, the signature algorithm for it, and its parsed certificate. */
export interface CaSigner extends SigningKey {
  issuer: x509.Name;
  certificate: x509.X509Certificate;
}

// Parsing the CA certificate and importing its key cost more than signing; a cluster PKI signs a dozen
// leaves with one CA object, so keep the prepared signer for as long as that object lives.
const signers = new WeakMap<CertKey, Promise<CaSigner>>();

/** A PEM leaf (default one year): CA:false, digitalSignature + keyEncipherment, extKeyUsage per usage, SANs. */
export async function signLeaf(options: SignLeafOptions): Promise<string> {
  const signer = await caSigner(options.ca);
  const { notBefore, notAfter } = resolveValidity(options, 365);
  const flags = extKeyUsageFlags(options.usage);
  const sans = peculiarAltNames(options.altNames);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: options.subject,
    issuer: signer.issuer,
    notBefore,
    notAfter,
    publicKey: options.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([
        ...(flags.serverAuth ? [x509.ExtendedKeyUsage.serverAuth] : []),
        ...(flags.clientAuth ? [x509.ExtendedKeyUsage.clientAuth] : []),
      ]),
      // Client certificates carry no SAN extension at all; an empty one is invalid.
      ...(sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans)] : []),
    ],
  });
  return encodePem('CERTIFICATE', new Uint8Array(certificate.rawData));
}

/** The CA's certificate and key prepared once per CertKey object; rejects when the certificate is not a CA. */
export function caSigner(ca: CertKey): Promise<CaSigner> {
  let signer = signers.get(ca);
  if (!signer) {
    signer = (async () => {
      const caCert = new x509.X509Certificate(ca.cert);
      const basicConstraints = caCert.getExtension(x509.BasicConstraintsExtension);
      if (!basicConstraints?.ca) throw new Error(`certificate "${caCert.subject}" is not a CA`);
      return { ...(await importSigningKey(ca.key)), issuer: caCert.subjectName, certificate: caCert };
    })();
    signers.set(ca, signer);
    // A failed preparation (bad key, not a CA) should not be remembered as the answer for a fixed object.
    signer.catch(() => signers.delete(ca));
  }
  return signer;
}

/** A random positive serial (hex) without a leading zero byte, so Go's strict DER INTEGER parsing accepts it. */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0] & 0x7f || 0x01;
  return bytes.toString('hex');
}
