// Kubernetes' certificate usage names (`certificates.k8s.io` KeyUsage, as in a CSR's spec.usages) turned into
// the X.509 keyUsage bits and extKeyUsage OIDs a signer puts into the certificate.
import { KeyUsageFlags } from '@peculiar/x509';

/** What a list of usage names asks for: keyUsage bits (0 = no extension) and extKeyUsage OIDs. */
export interface X509Usages {
  keyUsage: number;
  /** In Go's ExtKeyUsage enum order, without duplicates (`email protection` and `s/mime` are one). */
  extKeyUsages: string[];
}

const KEY_USAGE_BITS: Record<string, number> = {
  signing: KeyUsageFlags.digitalSignature,
  'digital signature': KeyUsageFlags.digitalSignature,
  'content commitment': KeyUsageFlags.nonRepudiation,
  'key encipherment': KeyUsageFlags.keyEncipherment,
  'key agreement': KeyUsageFlags.keyAgreement,
  'data encipherment': KeyUsageFlags.dataEncipherment,
  'cert sign': KeyUsageFlags.keyCertSign,
  'crl sign': KeyUsageFlags.cRLSign,
  'encipher only': KeyUsageFlags.encipherOnly,
  'decipher only': KeyUsageFlags.decipherOnly,
};

// Listed in Go's x509.ExtKeyUsage order, which is the order Kubernetes' signer writes them in.
const EXT_KEY_USAGE_ORDER: readonly (readonly [oid: string, names: readonly string[]])[] = [
  ['2.5.29.37.0', ['any']],
  ['1.3.6.1.5.5.7.3.1', ['server auth']],
  ['1.3.6.1.5.5.7.3.2', ['client auth']],
  ['1.3.6.1.5.5.7.3.3', ['code signing']],
  ['1.3.6.1.5.5.7.3.4', ['email protection', 's/mime']],
  ['1.3.6.1.5.5.7.3.5', ['ipsec end system']],
  ['1.3.6.1.5.5.7.3.6', ['ipsec tunnel']],
  ['1.3.6.1.5.5.7.3.7', ['ipsec user']],
  ['1.3.6.1.5.5.7.3.8', ['timestamping']],
  ['1.3.6.1.5.5.7.3.9', ['ocsp signing']],
  ['1.3.6.1.4.1.311.10.3.3', ['microsoft sgc']],
  ['2.16.840.1.113730.4.1', ['netscape sgc']],
];

const EXT_KEY_USAGE_NAMES = new Set(EXT_KEY_USAGE_ORDER.flatMap(([, names]) => names));

/** The X.509 usages for Kubernetes usage names; throws `unrecognized usage values: ["…"]` for unknown names. */
export function x509Usages(usages: readonly string[]): X509Usages {
  const unrecognized = usages.filter((u) => !Object.hasOwn(KEY_USAGE_BITS, u) && !EXT_KEY_USAGE_NAMES.has(u));
  if (unrecognized.length > 0) {
    throw new Error(`unrecognized usage values: [${unrecognized.map((u) => JSON.stringify(u)).join(' ')}]`);
  }
  const keyUsage = usages.reduce((bits, u) => bits | (Object.hasOwn(KEY_USAGE_BITS, u) ? KEY_USAGE_BITS[u] : 0), 0);
  const extKeyUsages = EXT_KEY_USAGE_ORDER.filter(([, names]) => names.some((n) => usages.includes(n))).map(([oid]) => oid);
  return { keyUsage, extKeyUsages };
}
