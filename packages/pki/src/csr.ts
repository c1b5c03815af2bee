// PKCS#10 certificate signing requests: what a kubelet sends when it bootstraps its TLS identity.
import type { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { mergeAltNames, peculiarAltNames, type AltNames } from './alt-names.ts';
import { decodePemAll, encodePem } from './pem.ts';
import { subjectString, type SubjectSpec } from './subject.ts';
import { EC_P256, subtle } from './webcrypto.ts';

/** What a CSR asks for: subject (CN = user, O = groups) and SANs (serving requests). */
export interface CreateCsrOptions extends SubjectSpec {
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

/** The fields of a CSR that a signer or an approver looks at. */
export interface CsrInfo {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  publicKeyPem: string;
}

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

/** A fresh EC P-256 key and a PEM "CERTIFICATE REQUEST" for it, signed by that key. */
export async function createCsr(options: CreateCsrOptions): Promise<{ csr: string; key: string }> {
  const keys = (await subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const altNames = mergeAltNames(options);
  const hasSans = altNames.dnsNames.length + altNames.ipAddresses.length > 0;
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectString(options),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams,
    extensions: hasSans ? [new x509.SubjectAlternativeNameExtension(peculiarAltNames(altNames))] : [],
  });
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return { csr: encodePem('CERTIFICATE REQUEST', new Uint8Array(request.rawData)), key: encodePem('PRIVATE KEY', new Uint8Array(pkcs8)) };
}

/** Parses a PEM CSR; throws an Error saying what is wrong with anything else. Does not check the signature. */
export function parseCsr(pem: string): CsrInfo {
  return describeRequest(readCsr(pem));
}

/** The parsed request object, for signers that need the public key and subject as they are. */
export function readCsr(pem: string): x509.Pkcs10CertificateRequest {
  const ders = decodePemAll(pem, 'CERTIFICATE REQUEST');
  if (ders.length === 0) throw new Error('invalid certificate request: PEM block type must be CERTIFICATE REQUEST');
  try {
    return new x509.Pkcs10CertificateRequest(ders[0]);
  } catch (error) {
    throw new Error(`invalid certificate request: malformed PKCS#10 data (${(error as Error).message})`);
  }
}

/** The SANs a CSR carries in its extensionRequest attribute. */
export function requestedAltNames(request: x509.Pkcs10CertificateRequest): AltNames {
  const extension = request.getExtension(SUBJECT_ALT_NAME_OID);
  const names = extension ? new x509.SubjectAlternativeNameExtension(extension.rawData).names.toJSON() : [];
  return {
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
  };
}

function describeRequest(request: x509.Pkcs10CertificateRequest): CsrInfo {
  try {
    return {
      commonName: request.subjectName.getField('CN')[0] ?? '',
      organizations: request.subjectName.getField('O'),
      ...requestedAltNames(request),
      publicKeyPem: encodePem('PUBLIC KEY', new Uint8Array(request.publicKey.rawData)),
    };
  } catch (error) {
    throw new Error(`invalid certificate request: ${(error as Error).message}`);
  }
}
