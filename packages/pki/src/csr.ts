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
  /** The requester's key: EC P-256 (default, what kubelets generate) or RSA 2048. */
  keyType?: 'ec' | 'rsa';
}

/** The fields of a CSR that a signer or an approver looks at (Go's x509.CertificateRequest names). */
export interface CsrInfo {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  publicKeyPem: string;
}

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

const RSA_2048 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };

/** A fresh key (EC P-256 unless asked for RSA) and a PEM "CERTIFICATE REQUEST" for it, signed by that key. */
export async function createCsr(options: CreateCsrOptions): Promise<{ csr: string; key: string }> {
  const rsa = options.keyType === 'rsa';
  const keys = (await subtle.generateKey(rsa ? RSA_2048 : EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const altNames = mergeAltNames(options);
  const hasSans = altNames.dnsNames.length + altNames.ipAddresses.length > 0;
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectString(options),
    keys,
    signingAlgorithm: rsa ? RSA_2048 : ({ name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams),
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
  const names = requestedGeneralNames(request);
  return {
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
  };
}

/** Every SAN a CSR carries (DNS, IP, email, URI, …) as @peculiar/x509 JSON general names. */
export function requestedGeneralNames(request: x509.Pkcs10CertificateRequest): x509.JsonGeneralName[] {
  const extension = request.getExtension(SUBJECT_ALT_NAME_OID);
  return extension ? new x509.SubjectAlternativeNameExtension(extension.rawData).names.toJSON() : [];
}

function describeRequest(request: x509.Pkcs10CertificateRequest): CsrInfo {
  try {
    const names = requestedGeneralNames(request);
    return {
      commonName: request.subjectName.getField('CN')[0] ?? '',
      organizations: request.subjectName.getField('O'),
      ...requestedAltNames(request),
      emailAddresses: names.filter((n) => n.type === 'email').map((n) => n.value),
      uris: names.filter((n) => n.type === 'url').map((n) => n.value),
      publicKeyPem: encodePem('PUBLIC KEY', new Uint8Array(request.publicKey.rawData)),
    };
  } catch (error) {
    throw new Error(`invalid certificate request: ${(error as Error).message}`);
  }
}
