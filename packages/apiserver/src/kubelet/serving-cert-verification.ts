// Verifies a kubelet's serving certificate as Go's crypto/tls client does when the apiserver has
// --kubelet-certificate-authority: leaf validity, then the name dialed, then the chain to the CA, then the
// server-auth usage — and words each failure exactly as Go does, because that text is what kubectl prints.
// With KubeletCertCNValidation (KEP-4872) one more check follows: the certificate must belong to the node
// dialled (CN `system:node:<nodeName>`), since an address in a CA-signed certificate proves nothing about which
// node holds it when CSR approvers cannot check IP ownership.
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';
import { verifyChain } from '@hubspoke/pki';

/** What to check: the chain the kubelet sent, the host the apiserver dialed, the trusted CA bundle. */
export interface ServingCertCheck {
  /** The peer chain, leaf first (DER). */
  chain: readonly Uint8Array[];
  /** The host name or IP address that was dialed. */
  host: string;
  /** `--kubelet-certificate-authority` (PEM bundle). */
  roots: readonly string[];
  /** Node's own verdict (`TLSSocket.authorizationError` code), consulted when ours finds nothing. */
  nodeErrorCode?: string;
  /** KubeletCertCNValidation: the node being dialled, whose name the certificate's CN must carry. */
  nodeName?: string;
  now?: Date;
}

/**
 * The outcome. For `x509` failures `reason` is Go's text (without the `tls: failed to verify certificate: `
 * prefix); a `node-name` failure is the KEP-4872 check, worded by hubspoke (no Kubernetes release has it yet).
 */
export type ServingCertVerdict = { ok: true } | { ok: false; check: 'x509' | 'node-name'; reason: string };

/** The CN prefix of node identities (`system:node:<nodeName>`). */
export const NODE_CN_PREFIX = 'system:node:';

const UNKNOWN_AUTHORITY = 'x509: certificate signed by unknown authority';
const VALIDITY_PREFIX = 'x509: certificate has expired or is not yet valid';

// OpenSSL's verdicts as Go would have worded them; only reached if our own checks passed.
const NODE_CODES: Record<string, string> = {
  CERT_HAS_EXPIRED: VALIDITY_PREFIX,
  CERT_NOT_YET_VALID: VALIDITY_PREFIX,
  INVALID_PURPOSE: 'x509: certificate specifies an incompatible key usage',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNKNOWN_AUTHORITY,
  SELF_SIGNED_CERT_IN_CHAIN: UNKNOWN_AUTHORITY,
  DEPTH_ZERO_SELF_SIGNED_CERT: UNKNOWN_AUTHORITY,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNKNOWN_AUTHORITY,
  UNABLE_TO_GET_ISSUER_CERT: UNKNOWN_AUTHORITY,
  CERT_SIGNATURE_FAILURE: UNKNOWN_AUTHORITY,
};

/** Go's Certificate.Verify with DNSName = host and the server-auth usage. */
export function verifyServingCertificate(check: ServingCertCheck): ServingCertVerdict {
  const [leaf, ...intermediates] = check.chain;
  if (!leaf) return x509Failure(UNKNOWN_AUTHORITY);
  const chain = verifyChain({ leaf, intermediates, roots: check.roots, now: check.now, usage: 'server' });
  // Go checks the leaf's validity period before the name, and the name before building chains.
  if (!chain.ok && chain.reason.startsWith(VALIDITY_PREFIX)) return x509Failure(chain.reason);
  const nameError = hostnameError(leaf, check.host);
  if (nameError) return x509Failure(nameError);
  if (!chain.ok) return x509Failure(chain.reason);
  if (check.nodeErrorCode) return x509Failure(NODE_CODES[check.nodeErrorCode] ?? UNKNOWN_AUTHORITY);
  // Only a certificate the CA vouches for is worth asking whose it is.
  if (check.nodeName !== undefined) {
    const ownerError = nodeNameError(leaf, check.nodeName);
    if (ownerError) return { ok: false, check: 'node-name', reason: ownerError };
  }
  return { ok: true };
}

/** KEP-4872's check: the leaf's CN must be `system:node:<nodeName>`; the refusal's text, or undefined. */
export function nodeNameError(leafDer: Uint8Array, nodeName: string): string | undefined {
  const want = `${NODE_CN_PREFIX}${nodeName}`;
  let commonName: string;
  try {
    commonName = new x509.X509Certificate(leafDer).subjectName.getField('CN')[0] ?? '';
  } catch {
    return 'x509: malformed certificate';
  }
  if (commonName === want) return undefined;
  return `kubelet serving certificate CN ${JSON.stringify(commonName)} does not match node ${JSON.stringify(nodeName)} (want ${JSON.stringify(want)})`;
}

function x509Failure(reason: string): ServingCertVerdict {
  return { ok: false, check: 'x509', reason };
}

/** Go's VerifyHostname: SANs only (no Common Name fallback), `*.` wildcards for one label; its HostnameError text. */
export function hostnameError(leafDer: Uint8Array, host: string): string | undefined {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(leafDer);
  } catch {
    return 'x509: malformed certificate';
  }
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  const dnsNames = names.filter((n) => n.type === 'dns').map((n) => n.value);
  const ips = names.filter((n) => n.type === 'ip').map((n) => canonicalIP(n.value));
  const wanted = host.endsWith('.') ? host.slice(0, -1) : host;

  if (isIP(wanted)) {
    if (ips.includes(canonicalIP(wanted))) return undefined;
  } else if (dnsNames.some((pattern) => matchesHostname(pattern, wanted))) {
    return undefined;
  }

  const commonName = cert.subjectName.getField('CN')[0] ?? '';
  if (!san && matchesHostname(commonName, wanted)) {
    return 'x509: certificate relies on legacy Common Name field, use SANs instead';
  }
  let valid: string;
  if (isIP(wanted)) {
    if (ips.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
    if (ips.length >= 100) return `x509: certificate is valid for ${ips.length} IP SANs, but none matched ${host}`;
    valid = ips.join(', ');
  } else {
    if (dnsNames.length >= 100) return `x509: certificate is valid for ${dnsNames.length} names, but none matched ${host}`;
    valid = dnsNames.join(', ');
  }
  if (!valid) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${valid}, not ${host}`;
}

function matchesHostname(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase();
  if (!p || !h) return false;
  const patternLabels = p.split('.');
  const hostLabels = h.split('.');
  if (patternLabels.length !== hostLabels.length) return false;
  return patternLabels.every((label, i) => (i === 0 && label === '*') || label === hostLabels[i]);
}

// Go prints IPv6 addresses compressed (RFC 5952), as the WHATWG URL parser normalizes them.
function canonicalIP(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}
