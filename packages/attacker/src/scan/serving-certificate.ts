// What the kubelet's serving certificate says about it, read the way an attacker reads it: after a handshake
// that verified nothing. A self-signed kubelet certificate is why the apiserver cannot tell the kubelet from
// someone answering for its address (C9).
import { X509Certificate } from 'node:crypto';
import { connect, type TLSSocket } from 'node:tls';
import { describeCertificate } from '@hubspoke/pki';
import { errorText, presentedChain, tlsClientOptions } from './kubelet-request.ts';
import type { ScanCredentials, ServingCertificateInfo, TlsObservation } from './types.ts';

/** client-go's GenerateSelfSignedCertKey names its throwaway CA `<host>-ca@<unix seconds>`. */
const GENERATED_CA_CN = /-ca@\d+$/;

/** Handshakes with `host:port` and describes the certificate chain it presents. Never rejects. */
export function observeTls(opts: { host: string; port: number; credentials?: ScanCredentials; timeoutMs: number }): Promise<TlsObservation> {
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({
      host: opts.host,
      port: opts.port,
      ...tlsClientOptions(opts.credentials),
      // An IP address is not a valid SNI name.
      servername: /^[\d.]+$|:/.test(opts.host) ? undefined : opts.host,
    });
    socket.setTimeout(opts.timeoutMs, () => {
      socket.destroy();
      resolve({ kind: 'failed', error: `no TLS handshake within ${opts.timeoutMs} ms` });
    });
    socket.once('secureConnect', () => {
      const chain = presentedChain(socket);
      socket.end();
      socket.destroy();
      if (chain.length === 0) return resolve({ kind: 'failed', error: 'the kubelet presented no certificate' });
      resolve({ kind: 'ok', certificate: describeServingChain(chain) });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'failed', error: errorText(err) }));
  });
}

/** Describes a presented chain (DER, leaf first). */
export function describeServingChain(chain: readonly Buffer[]): ServingCertificateInfo {
  const certs = chain.map((der) => new X509Certificate(der));
  const leaf = certs[0];
  const info = describeCertificate(leaf);
  return {
    subject: oneLine(leaf.subject),
    issuer: oneLine(leaf.issuer),
    selfSigned: signsItself(leaf) || endsInGeneratedRoot(certs),
    chain: certs.map((c) => oneLine(c.subject)),
    dnsNames: info.dnsNames,
    ipAddresses: info.ipAddresses,
    notAfter: info.notAfter.toISOString(),
    fingerprint256: info.fingerprint256,
  };
}

function signsItself(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

// The leaf's issuer was sent along, signs itself and carries client-go's throwaway-CA name: a root nobody holds.
function endsInGeneratedRoot(certs: X509Certificate[]): boolean {
  if (certs.length < 2) return false;
  const root = certs[certs.length - 1];
  const cn = describeCertificate(root).commonName;
  return signsItself(root) && GENERATED_CA_CN.test(cn) && certs[0].checkIssued(certs[1]);
}

// Node prints distinguished names one attribute per line.
function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}
