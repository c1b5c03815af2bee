// The cluster certificate authority.
import { generate } from 'selfsigned';
import type { CertKey } from './cert-key.ts';
import { terminatePem } from './pem.ts';
import { subjectAttributes } from './subject.ts';
import { resolveValidity, type ValidityOptions } from './validity.ts';

/** Options for a self-signed CA; kubeadm's defaults (CN kubernetes, ten years). */
export interface CreateCAOptions extends ValidityOptions {
  commonName?: string;
}

/** A fresh self-signed EC P-256 CA: basicConstraints CA:true (critical), keyCertSign + cRLSign + digitalSignature. */
export async function createCA(options: CreateCAOptions = {}): Promise<CertKey> {
  const { notBefore, notAfter } = resolveValidity(options, 3650);
  const pems = await generate(subjectAttributes({ commonName: options.commonName ?? 'kubernetes' }), {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: terminatePem(pems.cert), key: terminatePem(pems.private) };
}
