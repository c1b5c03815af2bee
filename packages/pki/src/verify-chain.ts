// Certificate chain verification with Go crypto/x509's semantics and error texts, for the apiserver's
// x509 authenticator and for clients that must refuse a kubelet signed by someone else.
import { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { decodePemAll } from './pem.ts';
import { EXT_KEY_USAGE_OID } from './usage.ts';

/** A leaf (PEM or DER), the intermediates the peer sent, and the trusted roots (PEM, bundles allowed). */
export interface VerifyChainOptions {
  leaf: string | Uint8Array;
  intermediates?: readonly (string | Uint8Array)[];
  roots: readonly string[];
  now?: Date;
  /** The extended key usage required along the chain; omitted means any usage is acceptable. */
  usage?: 'client' | 'server';
}

/** Whether the leaf chains to a root; `reason` is worded exactly as Go's x509 errors. */
export type ChainVerdict = { ok: true } | { ok: false; reason: string };

const UNKNOWN_AUTHORITY = 'x509: certificate signed by unknown authority';
const NOT_AUTHORIZED_TO_SIGN = 'x509: certificate is not authorized to sign other certificates';
const INCOMPATIBLE_USAGE = 'x509: certificate specifies an incompatible key usage';
const CONSTRAINT_VIOLATION = 'x509: invalid signature: parent certificate cannot sign this kind of certificate';

/** Verifies like Go's Certificate.Verify: leaf validity, chain building over intermediates to a root, usages. */
export function verifyChain(options: VerifyChainOptions): ChainVerdict {
  const now = options.now ?? new Date();
  let leaf: X509Certificate;
  try {
    leaf = parseOne(options.leaf);
  } catch {
    return { ok: false, reason: 'x509: malformed certificate' };
  }
  const leafInvalid = validityError(leaf, now);
  if (leafInvalid) return { ok: false, reason: leafInvalid };

  const roots = options.roots.flatMap(parseMany);
  const intermediates = (options.intermediates ?? []).flatMap(parseMany);
  const search = roots.some((root) => sameCertificate(root, leaf))
    ? { chains: [[leaf]] }
    : buildChains([leaf], { roots, intermediates, now });
  if (search.chains.length === 0) return { ok: false, reason: search.error ?? UNKNOWN_AUTHORITY };

  if (options.usage) {
    const oid = options.usage === 'server' ? EXT_KEY_USAGE_OID.serverAuth : EXT_KEY_USAGE_OID.clientAuth;
    if (!search.chains.some((chain) => chain.every((cert) => allowsUsage(cert, oid)))) {
      return { ok: false, reason: INCOMPATIBLE_USAGE };
    }
  }
  return { ok: true };
}

interface Pools {
  roots: X509Certificate[];
  intermediates: X509Certificate[];
  now: Date;
}

interface ChainSearch {
  chains: X509Certificate[][];
  error?: string;
}

// Depth-first like Go's buildChains: roots before intermediates; the first rejected candidate becomes the hint
// in "signed by unknown authority (possibly because of …)", and a failure deeper down is reported as is.
function buildChains(current: X509Certificate[], pools: Pools): ChainSearch {
  const child = current[current.length - 1];
  const candidates = [
    ...pools.roots.map((cert) => ({ cert, kind: 'root' as const })),
    ...pools.intermediates.map((cert) => ({ cert, kind: 'intermediate' as const })),
  ].filter(({ cert }) => cert.subject === child.issuer && !current.some((c) => sameCertificate(c, cert)));

  const chains: X509Certificate[][] = [];
  let hint: { error: string; cert: X509Certificate } | undefined;
  let deeperError: string | undefined;
  for (const { cert, kind } of candidates) {
    const rejected =
      signatureError(child, cert) ??
      validityError(cert, pools.now) ??
      (kind === 'intermediate' && !cert.ca ? NOT_AUTHORIZED_TO_SIGN : undefined);
    if (rejected) {
      hint ??= { error: rejected, cert };
      continue;
    }
    if (kind === 'root') {
      chains.push([...current, cert]);
    } else {
      const deeper = buildChains([...current, cert], pools);
      chains.push(...deeper.chains);
      deeperError = deeper.error;
    }
  }
  if (chains.length > 0) return { chains };
  return { chains, error: deeperError ?? unknownAuthority(hint) };
}

function unknownAuthority(hint: { error: string; cert: X509Certificate } | undefined): string {
  if (!hint) return UNKNOWN_AUTHORITY;
  const name = new x509.X509Certificate(hint.cert.raw).subjectName;
  const certName =
    name.getField('CN')[0] || name.getField('O')[0] || `serial:${BigInt(`0x${hint.cert.serialNumber}`).toString()}`;
  return `${UNKNOWN_AUTHORITY} (possibly because of ${goQuote(hint.error)} while trying to verify candidate authority certificate ${goQuote(certName)})`;
}

// Go's CheckSignatureFrom: the parent must be a CA allowed to sign certificates, of the signature's key type.
function signatureError(child: X509Certificate, parent: X509Certificate): string | undefined {
  if (!parent.ca) return CONSTRAINT_VIOLATION;
  const keyUsage = new x509.X509Certificate(parent.raw).getExtension(x509.KeyUsagesExtension);
  const usages = (keyUsage?.usages ?? 0) as number;
  if (usages !== 0 && (usages & x509.KeyUsageFlags.keyCertSign) === 0) {
    return CONSTRAINT_VIOLATION;
  }
  const expected = signatureKeyAlgorithm(child);
  const actual = parent.publicKey.asymmetricKeyType;
  const goKey = GO_KEY_TYPES[actual ?? ''];
  if (!expected || !goKey) return 'x509: cannot verify signature: algorithm unimplemented';
  if (expected !== actual) {
    return `x509: signature algorithm specifies an ${GO_KEY_TYPES[expected].algorithm} public key, but have public key of type ${goKey.type}`;
  }
  return child.verify(parent.publicKey) ? undefined : goKey.verificationFailure;
}

const GO_KEY_TYPES: Record<string, { algorithm: string; type: string; verificationFailure: string }> = {
  rsa: { algorithm: 'RSA', type: '*rsa.PublicKey', verificationFailure: 'crypto/rsa: verification error' },
  ec: { algorithm: 'ECDSA', type: '*ecdsa.PublicKey', verificationFailure: 'x509: ECDSA verification failure' },
  ed25519: { algorithm: 'Ed25519', type: 'ed25519.PublicKey', verificationFailure: 'x509: Ed25519 verification failure' },
};

function signatureKeyAlgorithm(cert: X509Certificate): 'rsa' | 'ec' | 'ed25519' | undefined {
  const { name } = new x509.X509Certificate(cert.raw).signatureAlgorithm as { name?: string };
  if (name === 'ECDSA') return 'ec';
  if (name === 'RSASSA-PKCS1-v1_5' || name === 'RSA-PSS') return 'rsa';
  if (name === 'Ed25519' || name === 'EdDSA') return 'ed25519';
  return undefined;
}

function validityError(cert: X509Certificate, now: Date): string | undefined {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const prefix = 'x509: certificate has expired or is not yet valid: ';
  if (now < notBefore) return `${prefix}current time ${rfc3339(now)} is before ${rfc3339(notBefore)}`;
  if (now > notAfter) return `${prefix}current time ${rfc3339(now)} is after ${rfc3339(notAfter)}`;
  return undefined;
}

function allowsUsage(cert: X509Certificate, oid: string): boolean {
  // Node reports the extKeyUsage OIDs here; a certificate without the extension is unrestricted.
  const usages = cert.keyUsage as string[] | undefined;
  return !usages || usages.includes(oid) || usages.includes(EXT_KEY_USAGE_OID.any);
}

function parseOne(input: string | Uint8Array): X509Certificate {
  if (typeof input !== 'string') return new X509Certificate(input);
  const [der] = decodePemAll(input, 'CERTIFICATE');
  if (!der) throw new Error('no certificate');
  return new X509Certificate(der);
}

// Like Go's AppendCertsFromPEM, unparsable entries are skipped rather than failing the whole pool.
function parseMany(input: string | Uint8Array): X509Certificate[] {
  const ders = typeof input === 'string' ? decodePemAll(input, 'CERTIFICATE') : [input];
  return ders.flatMap((der) => {
    try {
      return [new X509Certificate(der)];
    } catch {
      return [];
    }
  });
}

function sameCertificate(a: X509Certificate, b: X509Certificate): boolean {
  return a.raw.equals(b.raw);
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Go's %q for the ASCII texts that appear here.
function goQuote(text: string): string {
  return JSON.stringify(text);
}
