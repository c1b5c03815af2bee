// What a leaf certificate may be used for, and the X.509 extension flags that say so.

/** The TLS role of a leaf certificate: serving, client authentication, or both. */
export type CertUsage = 'server' | 'client' | 'server-client';

/** Extended key usage OIDs (RFC 5280 §4.2.1.12) as Node's X509Certificate.keyUsage reports them. */
export const EXT_KEY_USAGE_OID = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  any: '2.5.29.37.0',
} as const;

/** The extKeyUsage flags a certificate of this usage carries. */
export function extKeyUsageFlags(usage: CertUsage): { serverAuth: boolean; clientAuth: boolean } {
  switch (usage) {
    case 'server':
      return { serverAuth: true, clientAuth: false };
    case 'client':
      return { serverAuth: false, clientAuth: true };
    case 'server-client':
      return { serverAuth: true, clientAuth: true };
  }
}
