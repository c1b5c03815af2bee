// The serving certificate a kubelet makes for itself when given none (--tls-cert-file unset).
import { isIP } from 'node:net';
import { generate } from 'selfsigned';
import { mergeAltNames, selfsignedAltNames } from './alt-names.ts';
import type { CertKey } from './cert-key.ts';
import { terminatePem } from './pem.ts';
import { subjectAttributes } from './subject.ts';

/** The host a kubelet serves as, plus extra names and addresses for its SANs. */
export interface SelfSignedServingOptions {
  host: string;
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  now?: Date;
}

const HOUR_MS = 60 * 60 * 1000;
const YEAR_MS = 365 * 24 * HOUR_MS;

/**
 * client-go's GenerateSelfSignedCertKey: a throwaway CA `<host>-ca@<unix>` signs a server-auth leaf
 * `<host>@<unix>` whose SANs are the host (as an IP or a DNS name) and the extras. `cert` is the chain,
 * leaf then CA, ready for a TLS server; `caCert` alone is what a client would have to trust, and nobody does.
 */
export async function createSelfSignedServingCert(
  options: SelfSignedServingOptions,
): Promise<CertKey & { caCert: string }> {
  const now = options.now ?? new Date();
  const unix = Math.floor(now.getTime() / 1000);
  // Valid an hour early, as client-go does, so clock skew does not reject a fresh kubelet.
  const notBeforeDate = new Date(now.getTime() - HOUR_MS);
  const notAfterDate = new Date(notBeforeDate.getTime() + YEAR_MS);

  const ca = await generate(subjectAttributes({ commonName: `${options.host}-ca@${unix}` }), {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyEncipherment: true, digitalSignature: true, keyCertSign: true, critical: true },
    ],
  });

  const hostIsIp = isIP(options.host) !== 0;
  const altNames = mergeAltNames(
    hostIsIp ? { ipAddresses: [options.host] } : { dnsNames: [options.host] },
    options,
  );
  const leaf = await generate(subjectAttributes({ commonName: `${options.host}@${unix}` }), {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { cert: ca.cert, key: ca.private },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', keyEncipherment: true, digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: selfsignedAltNames(altNames) },
    ],
  });
  const caCert = terminatePem(ca.cert);
  return { cert: terminatePem(leaf.cert) + caCert, key: terminatePem(leaf.private), caCert };
}
