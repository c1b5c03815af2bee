// The CertificateSigningRequest conversation (client-go's util/certificate/csr): create the request (or find
// the compatible one a previous run left), then list + watch it by name until it is issued, denied or failed.
import { X509Certificate } from 'node:crypto';
import { ApiError } from '@hubspoke/api';
import type { KubeObject } from '@hubspoke/api';
import type { ApiClient } from '@hubspoke/client';
import { sleep } from '@hubspoke/client';
import { parseCsr, splitCertificateBundle } from '@hubspoke/pki';
import type { KeyUsage } from './signers.ts';

/** The `certificates.k8s.io/v1` collection. */
export const CSR_PATH = '/apis/certificates.k8s.io/v1/certificatesigningrequests';

/** What to ask for. */
export interface SigningRequest {
  /** PEM "CERTIFICATE REQUEST". */
  csrPem: string;
  /** Fixed name (bootstrap); absent = `generateName: csr-` (rotation). */
  name?: string;
  signerName: string;
  usages: readonly KeyUsage[];
  /** `spec.expirationSeconds`; the signer may ignore it. */
  expirationSeconds?: number;
}

/** A created (or reused) request. */
export interface SubmittedRequest {
  name: string;
  uid: string;
}

/** `status.conditions[]` of a CSR. */
interface CsrCondition {
  type: string;
  reason?: string;
  message?: string;
}

type CsrObject = KubeObject & {
  spec?: { request?: string; signerName?: string };
  status?: { conditions?: CsrCondition[]; certificate?: string };
};

/** A final answer that is not a certificate: denied, failed, deleted, replaced, or not answered in time. */
export class CertificateRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateRequestError';
  }
}

/** Creates the CSR; a same-named one that matches our key, subject and signer is reused (RequestCertificate). */
export async function requestCertificate(client: ApiClient, request: SigningRequest): Promise<SubmittedRequest> {
  const body = {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: request.name ? { name: request.name } : { generateName: 'csr-' },
    spec: {
      request: Buffer.from(request.csrPem).toString('base64'),
      signerName: request.signerName,
      usages: [...request.usages],
      ...(request.expirationSeconds !== undefined ? { expirationSeconds: request.expirationSeconds } : {}),
    },
  };
  try {
    const created = await client.create<CsrObject>(CSR_PATH, body);
    return { name: created.metadata.name!, uid: created.metadata.uid! };
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409 && request.name)) {
      throw new Error(`cannot create certificate signing request: ${(err as Error).message}`, { cause: err });
    }
  }
  const existing = await client.get<CsrObject>(`${CSR_PATH}/${request.name}`).catch((err: Error) => {
    throw new Error(`cannot retrieve certificate signing request: ${err.message}`, { cause: err });
  });
  const problem = incompatibility(existing, request);
  if (problem) throw new Error(`retrieved csr is not compatible: ${problem}`);
  return { name: existing.metadata.name!, uid: existing.metadata.uid! };
}

/** How long to wait and when to give up early. */
export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Pause before re-listing after a broken watch; default 1 s. */
  retryMs?: number;
  /** Told about list/watch failures that are retried. */
  onRetry?: (err: unknown) => void;
}

/**
 * Resolves with the issued PEM once the CSR is Approved and carries status.certificate; rejects with a
 * CertificateRequestError when it is Denied, Failed, deleted or recreated, or on timeout (or abort).
 */
export async function waitForCertificate(client: ApiClient, submitted: SubmittedRequest, opts: WaitOptions): Promise<string> {
  const deadline = AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])]);
  const fieldSelector = `metadata.name=${submitted.name}`;
  while (!deadline.aborted) {
    try {
      const list = await client.list<CsrObject>(CSR_PATH, { fieldSelector });
      for (const csr of list.items) {
        const issued = judge(csr, submitted);
        if (issued) return issued;
      }
      const events = client.watch<CsrObject>(CSR_PATH, { fieldSelector, resourceVersion: list.metadata.resourceVersion, signal: deadline });
      for await (const event of events) {
        if (event.type === 'DELETED') throw new CertificateRequestError(watchError(`csr "${submitted.name}" was deleted`));
        if (event.type !== 'ADDED' && event.type !== 'MODIFIED') continue;
        const issued = judge(event.object, submitted);
        if (issued) return issued;
      }
    } catch (err) {
      if (err instanceof CertificateRequestError) throw err;
      if (deadline.aborted) break;
      opts.onRetry?.(err);
    }
    // The watch ended (server timeout, rotated credentials closed it) or failed: list again shortly.
    await sleep(opts.retryMs ?? 1000, deadline);
  }
  throw new CertificateRequestError('timed out waiting for the condition');
}

// undefined = keep waiting; a string = the issued certificate; throws for a final refusal.
function judge(csr: CsrObject, submitted: SubmittedRequest): string | undefined {
  if (csr.metadata.uid !== submitted.uid) throw new CertificateRequestError(watchError(`csr "${csr.metadata.name}" changed UIDs`));
  let approved = false;
  for (const c of csr.status?.conditions ?? []) {
    if (c.type === 'Denied') {
      throw new CertificateRequestError(
        watchError(`certificate signing request is denied, reason: ${c.reason ?? ''}, message: ${c.message ?? ''}`),
      );
    }
    if (c.type === 'Failed') {
      throw new CertificateRequestError(
        watchError(`certificate signing request failed, reason: ${c.reason ?? ''}, message: ${c.message ?? ''}`),
      );
    }
    if (c.type === 'Approved') approved = true;
  }
  if (!approved || !csr.status?.certificate) return undefined;
  return Buffer.from(csr.status.certificate, 'base64').toString('utf8');
}

function watchError(message: string): string {
  return `cannot watch on the certificate signing request: ${message}`;
}

// ensureCompatible: same subject, same signer, and a request signed by our key (so our key matches its cert).
function incompatibility(existing: CsrObject, wanted: SigningRequest): string | undefined {
  let theirs;
  let ours;
  try {
    theirs = parseCsr(Buffer.from(existing.spec?.request ?? '', 'base64').toString('utf8'));
  } catch (err) {
    return `unable to parse new csr: ${(err as Error).message}`;
  }
  try {
    ours = parseCsr(wanted.csrPem);
  } catch (err) {
    return `unable to parse original csr: ${(err as Error).message}`;
  }
  if (theirs.commonName !== ours.commonName || theirs.organizations.join('\n') !== ours.organizations.join('\n')) {
    return `csr subjects differ: new: CN=${theirs.commonName} O=${theirs.organizations.join(',')}, orig: CN=${ours.commonName} O=${ours.organizations.join(',')}`;
  }
  const signer = existing.spec?.signerName;
  if (signer && signer !== wanted.signerName) return `csr signerNames differ: new "${signer}", orig: "${wanted.signerName}"`;
  if (theirs.publicKeyPem !== ours.publicKeyPem) return 'error validating signature new CSR against old key: the public keys differ';
  const issued = existing.status?.certificate;
  if (issued) {
    for (const pem of splitCertificateBundle(Buffer.from(issued, 'base64').toString('utf8'))) {
      const validTo = new Date(new X509Certificate(pem).validTo);
      if (validTo.getTime() < Date.now()) return `one of the certificates for the CSR has expired: ${validTo.toISOString()}`;
    }
  }
  return undefined;
}
