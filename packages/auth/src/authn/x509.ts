// Client-certificate authentication (`--client-ca-file`). The TLS server accepts any client certificate and
// hands over the peer chain; this authenticator verifies it the way Go's x509.Verify does for Kubernetes:
// chain to one of the CAs, every certificate within its validity period, intermediates marked as CAs, and the
// `clientAuth` extended key usage wherever a certificate restricts its usages. CN is the user, O the groups.
import { createHash, X509Certificate } from 'node:crypto';
import type { Authenticator, AuthnRequest, AuthnResult } from './types.ts';
import { attributeValues, parseDistinguishedName } from './x509-name.ts';

/** Which CAs may sign client certificates. */
export interface X509AuthenticatorConfig {
  /** PEM texts, each holding one or more CA certificates (the contents of `--client-ca-file`). */
  clientCAs: string[];
  now?: () => Date;
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';
const MAX_CHAIN_LENGTH = 10;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/** Verified chains are remembered this long (and never past the leaf's notAfter). */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 4096;

/** Authenticates by TLS client certificate; no certificate → no-opinion, a bad one → rejected. */
export function x509Authenticator(config: X509AuthenticatorConfig): { authenticate(req: AuthnRequest): AuthnResult } & Authenticator {
  const roots = config.clientCAs.flatMap((pem) => [...pem.matchAll(PEM_CERTIFICATE)].map(([block]) => new X509Certificate(block)));
  if (roots.length === 0) throw new Error('x509 authenticator needs at least one client CA certificate');
  const now = config.now ?? (() => new Date());

  // Parsing and verifying a chain costs far more than the rest of a request; a client sends the same chain
  // on every request, so successful verifications are cached by the chain's hash.
  const verified = new Map<string, { result: AuthnResult; expiresAt: number }>();

  return {
    name: 'x509',
    authenticate(req): AuthnResult {
      const peer = req.peerCertificates ?? [];
      if (peer.length === 0) return { kind: 'no-opinion' };
      const hash = createHash('sha256');
      for (const der of peer) hash.update(der);
      const key = hash.digest('base64');
      const at = now().getTime();
      const hit = verified.get(key);
      if (hit && hit.expiresAt > at) return hit.result;
      if (hit) verified.delete(key);
      const result = verify(peer);
      if (result.kind === 'authenticated') {
        if (verified.size >= CACHE_MAX_ENTRIES) verified.delete(verified.keys().next().value!);
        const notAfter = new Date(new X509Certificate(peer[0]).validTo).getTime();
        verified.set(key, { result, expiresAt: Math.min(at + CACHE_TTL_MS, notAfter) });
      }
      return result;
    },
  };

  function verify(peer: Buffer[]): AuthnResult {
    let certs: X509Certificate[];
    try {
      certs = peer.map((der) => new X509Certificate(der));
    } catch {
      return { kind: 'rejected', reason: 'x509: malformed certificate' };
    }
    const [leaf, ...intermediates] = certs;
    const problem = verificationProblem(leaf, intermediates, roots, now());
    if (problem) return { kind: 'rejected', reason: `verifying certificate ${identify(leaf)} failed: ${problem}` };

    const subject = parseDistinguishedName(leaf.subject);
    // Go keeps the last CN of a subject; a certificate without one names no user.
    const name = attributeValues(subject, 'CN').at(-1);
    if (!name) return { kind: 'no-opinion' };
    return { kind: 'authenticated', user: { name, groups: attributeValues(subject, 'O') } };
  }
}

/** Go's error text for why `leaf` does not verify, or undefined when some chain to a root is acceptable. */
function verificationProblem(leaf: X509Certificate, intermediates: X509Certificate[], roots: X509Certificate[], now: Date): string | undefined {
  const leafProblem = validityProblem(leaf, now);
  if (leafProblem) return leafProblem;

  const state = { lastError: undefined as string | undefined };
  const chains = roots.some((root) => root.raw.equals(leaf.raw))
    ? [[leaf]]
    : buildChains([leaf], intermediates, roots, now, state);
  if (chains.length === 0) return state.lastError ?? 'x509: certificate signed by unknown authority';
  if (!chains.some((chain) => chain.every(permitsClientAuth))) return 'x509: certificate specifies an incompatible key usage';
  return undefined;
}

// Every path from the last certificate of `chain` up to a root, trying roots before intermediates.
function buildChains(
  chain: X509Certificate[],
  intermediates: X509Certificate[],
  roots: X509Certificate[],
  now: Date,
  state: { lastError?: string },
): X509Certificate[][] {
  const child = chain[chain.length - 1];
  const found: X509Certificate[][] = [];
  for (const root of roots) {
    if (!issuedBy(child, root)) continue;
    const problem = validityProblem(root, now);
    if (problem) state.lastError = problem;
    else found.push([...chain, root]);
  }
  if (chain.length >= MAX_CHAIN_LENGTH) return found;
  for (const parent of intermediates) {
    if (chain.some((c) => c.raw.equals(parent.raw)) || !issuedBy(child, parent)) continue;
    const problem = validityProblem(parent, now) ?? (parent.ca ? undefined : 'x509: certificate is not authorized to sign other certificates');
    if (problem) {
      state.lastError = problem;
      continue;
    }
    found.push(...buildChains([...chain, parent], intermediates, roots, now, state));
  }
  return found;
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
}

/** Go's CertificateInvalidError text for a certificate outside its validity period, else undefined. */
function validityProblem(cert: X509Certificate, now: Date): string | undefined {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const prefix = 'x509: certificate has expired or is not yet valid: current time';
  if (now < notBefore) return `${prefix} ${rfc3339(now)} is before ${rfc3339(notBefore)}`;
  if (now > notAfter) return `${prefix} ${rfc3339(now)} is after ${rfc3339(notAfter)}`;
  return undefined;
}

// A certificate without the extension may be used for anything.
function permitsClientAuth(cert: X509Certificate): boolean {
  const usages = cert.keyUsage;
  if (!usages || usages.length === 0) return true;
  return usages.includes(CLIENT_AUTH) || usages.includes(ANY_EXTENDED_KEY_USAGE);
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function identify(cert: X509Certificate): string {
  return `SN=${BigInt(`0x${cert.serialNumber}`).toString(10)}`;
}
