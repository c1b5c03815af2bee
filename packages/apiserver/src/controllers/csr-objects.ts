// Reading and amending stored CertificateSigningRequests (certificates.k8s.io/v1) for the CSR controllers. In
// JSON the []byte fields (spec.request, status.certificate) are base64 of PEM text.
import { nowTimestamp, type KubeObject } from '@hubspoke/api';
import type { UserInfo } from '@hubspoke/auth';
import { parseCsr, type CsrInfo } from '@hubspoke/pki';
import type { Logger } from './context.ts';

/** A CSR condition as stored (`CertificateSigningRequestCondition`). */
export interface CsrCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** The parts of a CSR the approver and the signer decide on. */
export interface CsrView {
  name: string;
  signerName: string;
  /** spec.request decoded: the PEM `CERTIFICATE REQUEST`. */
  requestPem: string;
  usages: string[];
  expirationSeconds?: number;
  /** Who created the CSR, as the apiserver recorded it (spec.username, uid, groups, extra). */
  requester: UserInfo;
  conditions: CsrCondition[];
  /** True once status.certificate is set. */
  issued: boolean;
}

interface CsrSpec {
  signerName?: string;
  request?: string;
  usages?: string[];
  expirationSeconds?: number;
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** The decision-relevant fields of a stored CSR. */
export function viewCsr(csr: KubeObject): CsrView {
  const spec = (csr.spec ?? {}) as CsrSpec;
  const status = (csr.status ?? {}) as { conditions?: CsrCondition[]; certificate?: string };
  const requester: UserInfo = { name: spec.username ?? '', groups: spec.groups ?? [] };
  if (spec.uid) requester.uid = spec.uid;
  if (spec.extra) requester.extra = spec.extra;
  return {
    name: csr.metadata.name ?? '',
    signerName: spec.signerName ?? '',
    requestPem: Buffer.from(spec.request ?? '', 'base64').toString('utf8'),
    usages: spec.usages ?? [],
    ...(typeof spec.expirationSeconds === 'number' ? { expirationSeconds: spec.expirationSeconds } : {}),
    requester,
    conditions: Array.isArray(status.conditions) ? status.conditions : [],
    issued: Boolean(status.certificate),
  };
}

/** `GetCertApprovalCondition`: whether an Approved and whether a Denied condition is present. */
export function approvalOf(view: Pick<CsrView, 'conditions'>): { approved: boolean; denied: boolean } {
  return {
    approved: view.conditions.some((c) => c.type === 'Approved'),
    denied: view.conditions.some((c) => c.type === 'Denied'),
  };
}

/** `HasTrueCondition`: a condition of this type whose status is True (or empty, as Kubernetes reads it). */
export function hasTrueCondition(view: Pick<CsrView, 'conditions'>, type: string): boolean {
  return view.conditions.some((c) => c.type === type && (!c.status || c.status === 'True'));
}

/** A True condition stamped now, as the apiserver's status strategy would stamp a newly added one. */
export function trueCondition(type: string, reason: string, message: string, now: Date): CsrCondition {
  const at = nowTimestamp(now);
  return { type, status: 'True', reason, message, lastUpdateTime: at, lastTransitionTime: at };
}

/** The CSR with `condition` appended to status.conditions. */
export function withCondition(csr: KubeObject, condition: CsrCondition): KubeObject {
  const status = (csr.status ?? {}) as { conditions?: CsrCondition[] };
  return { ...csr, status: { ...status, conditions: [...(status.conditions ?? []), condition] } };
}

/** The CSR with status.certificate set to the PEM, base64-encoded as JSON carries []byte. */
export function withCertificate(csr: KubeObject, certificatePem: string): KubeObject {
  return { ...csr, status: { ...((csr.status ?? {}) as object), certificate: Buffer.from(certificatePem, 'utf8').toString('base64') } };
}

/** The CSR's PKCS#10 request, or undefined (logged) when it does not parse: it is immutable, so retrying cannot help. */
export function parseRequest(view: CsrView, logger: Logger): CsrInfo | undefined {
  try {
    return parseCsr(view.requestPem);
  } catch (err) {
    logger.warn({ csr: view.name, reason: (err as Error).message }, 'unable to parse csr');
    return undefined;
  }
}
