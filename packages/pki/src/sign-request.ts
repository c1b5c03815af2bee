// Kubernetes' local CSR signer (kube-controller-manager's csrsigning CA): a certificate for an approved request
// with the request's subject and SANs, exactly the usages the CSR object lists, and Kubernetes' validity
// policy (backdated, never outliving the CA).
import * as x509 from '@peculiar/x509';
import type { CertKey } from './cert-key.ts';
import { readCsr, requestedGeneralNames } from './csr.ts';
import { x509Usages } from './key-usages.ts';
import { encodePem } from './pem.ts';
import { caSigner, randomSerial } from './sign-leaf.ts';

/** An approved request and what to grant it. */
export interface SignRequestOptions {
  ca: CertKey;
  /** The PEM `CERTIFICATE REQUEST`. */
  csr: string;
  /** Kubernetes usage names (a CSR's spec.usages): they become keyUsage and extKeyUsage. */
  usages: readonly string[];
  /** The certificate's lifetime before backdating and the CA cap (the controller picks it). */
  ttlMs: number;
  now?: Date;
}

/**
 * `issued`: a PEM certificate. `rejected`: the request itself is unusable (unparseable, a signature its key
 * did not make, an unknown usage) and will never sign. Problems of the CA (expired, not a CA) are thrown.
 */
export type SignRequestResult = { kind: 'issued'; certificate: string } | { kind: 'rejected'; reason: string };

// Kubernetes backdates by five minutes for verifiers with slow clocks; certificates shorter than eight hours
// keep their full end time, longer ones lose the backdate at the end (about 1% of eight hours).
const BACKDATE_MS = 5 * 60_000;
const SHORT_MS = 8 * 3_600_000;

const SAN_ORDER = ['dns', 'email', 'ip', 'url'] as const;

/** Signs an approved request with the CA, after checking the request's self-signature. */
export async function signCertificateRequest(options: SignRequestOptions): Promise<SignRequestResult> {
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = readCsr(options.csr);
  } catch (error) {
    return { kind: 'rejected', reason: `unable to parse certificate request: ${(error as Error).message}` };
  }
  const signatureError = await checkSignature(request);
  if (signatureError) return { kind: 'rejected', reason: `unable to verify certificate request signature: ${signatureError}` };
  let usages;
  try {
    usages = x509Usages(options.usages);
  } catch (error) {
    return { kind: 'rejected', reason: (error as Error).message };
  }

  const signer = await caSigner(options.ca);
  const { notBefore, notAfter } = boundaries(options.now ?? new Date(), options.ttlMs, signer.certificate.notAfter);
  const names = requestedGeneralNames(request);
  const sans = SAN_ORDER.flatMap((type) => names.filter((n) => n.type === type));
  const authorityKeyId = signer.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: request.subjectName,
    issuer: signer.issuer,
    notBefore,
    notAfter,
    publicKey: request.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    // Go's extension order; keyUsage and basicConstraints critical as Go marks them.
    extensions: [
      ...(usages.keyUsage !== 0 ? [new x509.KeyUsagesExtension(usages.keyUsage, true)] : []),
      ...(usages.extKeyUsages.length > 0 ? [new x509.ExtendedKeyUsageExtension(usages.extKeyUsages)] : []),
      new x509.BasicConstraintsExtension(false, undefined, true),
      ...(authorityKeyId ? [new x509.AuthorityKeyIdentifierExtension(authorityKeyId)] : []),
      // RFC 5280: with an empty subject the SANs are the identity, so the extension must be critical.
      ...(sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans, request.subjectName.toString() === '')] : []),
    ],
  });
  return { kind: 'issued', certificate: encodePem('CERTIFICATE', new Uint8Array(certificate.rawData)) };
}

async function checkSignature(request: x509.Pkcs10CertificateRequest): Promise<string | undefined> {
  const failure =
    request.publicKey.algorithm.name === 'ECDSA' ? 'x509: ECDSA verification failure' : 'crypto/rsa: verification error';
  try {
    return (await request.verify()) ? undefined : failure;
  } catch (error) {
    return `x509: ${(error as Error).message}`;
  }
}

/** Kubernetes' PermissiveSigningPolicy window, capped at the CA's own expiry. */
function boundaries(now: Date, ttlMs: number, caNotAfter: Date): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  let notAfter = new Date(now.getTime() + (ttlMs < SHORT_MS ? ttlMs : ttlMs - BACKDATE_MS));
  if (notAfter.getTime() >= caNotAfter.getTime()) notAfter = caNotAfter;
  if (notBefore.getTime() >= caNotAfter.getTime()) throw new Error(`the signer has expired: NotAfter=${goTime(caNotAfter)}`);
  if (now.getTime() >= caNotAfter.getTime()) {
    throw new Error(`refusing to sign a certificate that expired in the past: NotAfter=${goTime(caNotAfter)}`);
  }
  return { notBefore, notAfter };
}

// Go's time.Time %v for a UTC instant: `2006-01-02 15:04:05 +0000 UTC`.
function goTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}
