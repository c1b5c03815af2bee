// A PKCS#10 certificate request signed with the kubelet's own key (client-go's cert.MakeCSRFromTemplate):
// the subject names the node, the SANs (serving requests only) name where it is reached.
import { webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { encodePem, subjectString } from '@hubspoke/pki';
import { keyAlgorithm, publicKeyDer } from './private-key.ts';

x509.cryptoProvider.set(webcrypto);

/** What a request asks for: CN is the user (`system:node:<name>`), each O a group; SANs for serving. */
export interface CertificateTemplate {
  commonName: string;
  organizations: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
}

/** A PEM "CERTIFICATE REQUEST" for `key`'s public key, signed by `key`. */
export async function makeCertificateRequest(key: KeyObject, template: CertificateTemplate): Promise<string> {
  const algorithm = keyAlgorithm(key);
  const params: webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams =
    algorithm === 'ec' ? { name: 'ECDSA', namedCurve: curveOf(key) } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, params, false, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', publicKeyDer(key), params, true, ['verify']);
  const names = [
    ...(template.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(template.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectString(template), // Go's pkix.Name order (O before CN), RFC 4514-escaped
    keys: { privateKey, publicKey },
    signingAlgorithm: algorithm === 'ec' ? ({ name: 'ECDSA', hash: hashOf(key) } as webcrypto.EcdsaParams) : params,
    // Go adds the extensionRequest attribute only when there are SANs to ask for.
    extensions: names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [],
  });
  return encodePem('CERTIFICATE REQUEST', new Uint8Array(request.rawData));
}

const CURVES: Record<string, { curve: string; hash: string }> = {
  prime256v1: { curve: 'P-256', hash: 'SHA-256' },
  secp384r1: { curve: 'P-384', hash: 'SHA-384' },
  secp521r1: { curve: 'P-521', hash: 'SHA-512' },
};

function curveOf(key: KeyObject): string {
  const named = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (!named) throw new Error(`unsupported EC curve ${String(key.asymmetricKeyDetails?.namedCurve)}`);
  return named.curve;
}

// Go's x509 picks the hash that matches the curve size.
function hashOf(key: KeyObject): string {
  return CURVES[key.asymmetricKeyDetails?.namedCurve ?? '']?.hash ?? 'SHA-256';
}
