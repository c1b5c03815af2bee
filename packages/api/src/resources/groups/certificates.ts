// certificates.k8s.io/v1 certificatesigningrequests: how kubelets get client and serving certificates (TLS
// bootstrapping). Validation follows Kubernetes: a PEM `CERTIFICATE REQUEST`, known usages, a
// `domain/path` signerName; approval and issuance are only possible through their subresources.
import type { FieldError } from '../../errors.ts';
import { forbiddenField, invalidValue, notSupported, required } from '../../errors.ts';
import type { KubeObject } from '../../meta.ts';
import type { ResourceDefinition, TablePrinter } from '../../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from '../columns.ts';
import { ageSince, humanDuration } from '../duration.ts';
import { arr, get, str } from '../json.ts';
import {
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  DNS1123_LABEL_MAX_LENGTH,
  duplicate,
  goByteSlice,
  invalidRendered,
  isDNS1123Label,
  isDNS1123Subdomain,
  nameIsAnything,
  semanticEqual,
  tooLong,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../validation/index.ts';
import { ALL_VERBS } from './verbs.ts';

/** Every key usage Kubernetes accepts, sorted as its NotSupported message lists them. */
export const KEY_USAGES = [
  'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment',
  'decipher only', 'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel',
  'ipsec user', 'key agreement', 'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime',
  'server auth', 'signing', 'timestamping',
];

/** The built-in signer names (certificates.k8s.io/v1). */
export const SIGNERS = {
  kubeletClient: 'kubernetes.io/kube-apiserver-client-kubelet',
  kubeletServing: 'kubernetes.io/kubelet-serving',
  apiserverClient: 'kubernetes.io/kube-apiserver-client',
} as const;

const DECISIONS = ['Approved', 'Denied', 'Failed'];

interface Condition {
  type?: string;
  status?: string;
}

/** Which parts of a CSR an update may change: the main resource neither, `approval` the decision, `status` the certificate. */
export interface CsrUpdateScope {
  approval?: boolean;
  certificate?: boolean;
}

/** The CONDITION column: `Pending`, `Approved,Issued`, `Denied`, `…,Failed`. */
export function csrCondition(csr: KubeObject): string {
  const types = new Set(arr<Condition>(csr, 'status', 'conditions').map((c) => c.type));
  let status = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) status += ',Failed';
  if (str(csr, 'status', 'certificate')) status += ',Issued';
  return status;
}

/** `ValidateCertificateSigningRequestSignerName`. */
export function validateSignerName(signerName: string, path: string): FieldError[] {
  if (!signerName) return [required(path, 'signerName must be provided')];
  const segments = signerName.split('/');
  if (segments.length !== 2) {
    return [invalidValue(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  }
  const [domain, rest] = segments;
  const errs: FieldError[] = [];
  if (domain.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(tooLong(path, DNS1123_SUBDOMAIN_MAX_LENGTH));
  const labels = domain.split('.');
  for (const lbl of labels) {
    const msgs = isDNS1123Label(lbl);
    if (msgs.length > 0) {
      for (const msg of msgs) errs.push(invalidValue(path, domain, `validating label ${JSON.stringify(lbl)}: ${msg}`));
      break;
    }
  }
  if (labels.length < 2) errs.push(invalidValue(path, domain, 'should be a domain with at least two segments separated by dots'));
  for (const lbl of rest.split('.')) {
    const msgs = isDNS1123Subdomain(lbl);
    if (msgs.length > 0) {
      for (const msg of msgs) errs.push(invalidValue(path, rest, `validating label ${JSON.stringify(lbl)}: ${msg}`));
      break;
    }
  }
  const max = DNS1123_SUBDOMAIN_MAX_LENGTH * 2 + DNS1123_LABEL_MAX_LENGTH + 2;
  if (signerName.length > max) errs.push(tooLong(path, max));
  return errs;
}

function requestBytes(csr: KubeObject): Buffer {
  const request = str(csr, 'spec', 'request');
  return Buffer.from(request, 'base64');
}

// pem.Decode takes the first block anywhere in the bytes; its type must be CERTIFICATE REQUEST.
function firstPemType(bytes: Buffer): string | undefined {
  return /-----BEGIN ([A-Z0-9 ]+)-----/.exec(bytes.toString('latin1'))?.[1];
}

function validateCsrSpec(csr: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const request = requestBytes(csr);
  if (firstPemType(request) !== 'CERTIFICATE REQUEST') {
    errs.push(invalidRendered('spec.request', goByteSlice(request), 'PEM block type must be CERTIFICATE REQUEST'));
  }
  const usages = arr<string>(csr, 'spec', 'usages');
  if (usages.length === 0) errs.push(required('spec.usages', 'usages must be provided'));
  const seen = new Set<string>();
  usages.forEach((u, i) => {
    if (!KEY_USAGES.includes(u)) errs.push(notSupported(`spec.usages[${i}]`, u, KEY_USAGES));
    if (seen.has(u)) errs.push(duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  });
  const signer = str(csr, 'spec', 'signerName');
  if (signer === 'kubernetes.io/legacy-unknown') {
    errs.push(invalidValue('spec.signerName', signer, 'the legacy signerName is not allowed via this API version'));
  } else {
    errs.push(...validateSignerName(signer, 'spec.signerName'));
  }
  const expiration = get(csr, 'spec', 'expirationSeconds');
  if (typeof expiration === 'number' && expiration < 600) {
    errs.push(invalidValue('spec.expirationSeconds', expiration, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  return errs;
}

function validateConditions(csr: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  const conditions = arr<Condition>(csr, 'status', 'conditions');
  conditions.forEach((c, i) => {
    const at = `status.conditions[${i}]`;
    if (!c.type) errs.push(required(`${at}.type`, ''));
    const allowed = DECISIONS.includes(c.type ?? '') ? ['True'] : ['False', 'True', 'Unknown'];
    if (!c.status) errs.push(required(`${at}.status`, ''));
    else if (!allowed.includes(c.status)) errs.push(notSupported(`${at}.status`, c.status, allowed));
    if ((c.type === 'Approved' && seen.has('Denied')) || (c.type === 'Denied' && seen.has('Approved'))) {
      errs.push(invalidValue(`${at}.type`, c.type, 'Approved and Denied conditions are mutually exclusive'));
    }
    if (c.type && seen.has(c.type)) errs.push(duplicate(`${at}.type`, c.type));
    if (c.type) seen.add(c.type);
  });
  return errs;
}

/** Problems with a CSR, and with an update from `old` within `scope` (default: the main resource). */
export function validateCertificateSigningRequest(csr: KubeObject, old?: KubeObject, scope: CsrUpdateScope = {}): FieldError[] {
  const errs = validateObjectMeta(csr.metadata, { namespaced: false, name: nameIsAnything });
  errs.push(...validateCsrSpec(csr), ...validateConditions(csr));
  if (!old) return errs;
  errs.push(...validateObjectMetaUpdate(csr.metadata, old.metadata));
  const byType = (o: KubeObject, t: string) => arr<Condition>(o, 'status', 'conditions').filter((c) => c.type === t);
  for (const t of DECISIONS) {
    if (byType(csr, t).length < byType(old, t).length) {
      errs.push(forbiddenField('status.conditions', `updates may not remove a condition of type ${JSON.stringify(t)}`));
    }
  }
  if (!scope.approval) {
    for (const t of ['Approved', 'Denied']) {
      const before = byType(old, t);
      const after = byType(csr, t);
      if (after.length > before.length) {
        errs.push(forbiddenField('status.conditions', `updates may not add a condition of type ${JSON.stringify(t)}`));
      } else if (after.length === before.length && !semanticEqual(before, after)) {
        errs.push(forbiddenField('status.conditions', `updates may not modify a condition of type ${JSON.stringify(t)}`));
      }
    }
  }
  const cert = str(csr, 'status', 'certificate');
  const oldCert = str(old, 'status', 'certificate');
  if (cert !== oldCert) {
    if (!scope.certificate) errs.push(forbiddenField('status.certificate', 'updates may not set certificate content'));
    else if (oldCert) errs.push(forbiddenField('status.certificate', 'updates may not modify existing certificate content'));
  }
  return errs;
}

/** Kubernetes' CSR columns. */
export const csrPrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    AGE_COLUMN,
    column('SignerName', { doc: 'CertificateSigningRequestSpec.signerName' }),
    column('Requestor', { doc: 'CertificateSigningRequestSpec.request' }),
    column('RequestedDuration', { doc: 'CertificateSigningRequestSpec.expirationSeconds' }),
    column('Condition', { doc: 'CertificateSigningRequestStatus.conditions' }),
  ],
  cells(csr, now) {
    const expiration = get(csr, 'spec', 'expirationSeconds');
    return [
      csr.metadata?.name ?? '',
      ageSince(csr.metadata?.creationTimestamp, now),
      str(csr, 'spec', 'signerName') || '<none>',
      str(csr, 'spec', 'username'),
      typeof expiration === 'number' ? humanDuration(expiration * 1000) : '<none>',
      csrCondition(csr),
    ];
  },
};

/** `certificatesigningrequests.certificates.k8s.io` (csr). */
export const certificatesigningrequests: ResourceDefinition = {
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  listKind: 'CertificateSigningRequestList',
  plural: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  namespaced: false,
  shortNames: ['csr'],
  verbs: ALL_VERBS,
  subresources: ['approval', 'status'],
  table: csrPrinter,
  validate: (csr, old) => validateCertificateSigningRequest(csr, old),
  fields: (csr) => ({ 'spec.signerName': str(csr, 'spec', 'signerName') }),
};
