// TokenRequest (`POST …/serviceaccounts/SA/token`): issues a ServiceAccount token, optionally bound to a
// Pod, Secret or Node that must exist with the given uid.
import {
  ApiError,
  badRequest,
  invalid,
  invalidValue,
  notFound,
  notSupported,
  nowTimestamp,
  type KubeObject,
} from '@hubspoke/api';
import type { AdmissionChain } from '../admission/chain.ts';
import { admissionAttributes, type RestTarget } from '../registry/context.ts';
import type { MemoryStorage } from '../storage/memory.ts';

/** Signs ServiceAccount tokens (the issuer from @hubspoke/auth). */
export interface TokenSigner {
  issue(claims: {
    namespace: string;
    serviceAccount: { name: string; uid: string };
    audiences: string[];
    expirationSeconds: number;
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
    node?: { name: string; uid: string };
    now?: Date;
  }): Promise<string>;
}

interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string };
}

const BOUND_KINDS: Record<string, string> = { Pod: 'pods', Secret: 'secrets', Node: 'nodes' };

/** One TokenRequest: `target` is serviceaccounts/token with the account's name, and the requester. */
export interface TokenRequestOptions {
  storage: MemoryStorage;
  admission: AdmissionChain;
  target: RestTarget;
  signer: TokenSigner | undefined;
  apiAudiences: string[];
  body: KubeObject;
  now: Date;
}

/** Handle a TokenRequest for the target's ServiceAccount, after admission; returns the TokenRequest with status. */
export async function tokenRequest(opts: TokenRequestOptions): Promise<KubeObject> {
  const { storage, body, now } = opts;
  const namespace = opts.target.namespace ?? '';
  const saName = opts.target.name;
  if (!opts.signer) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource (no --service-account-signing-key-file)');
  }
  // A CREATE of serviceaccounts/token: NodeRestriction holds a node to tokens bound to its own pods.
  const attrs = {
    ...admissionAttributes(opts.target, 'CREATE', false),
    kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
    object: body,
  };
  await opts.admission.admit(attrs);
  await opts.admission.validate(attrs);
  const sa = await storage.get('serviceaccounts', namespace, saName);
  if (!sa) throw notFound({ group: '', resource: 'serviceaccounts' }, saName);
  const spec: TokenRequestSpec = { ...((body.spec as TokenRequestSpec) ?? {}) };
  spec.audiences = spec.audiences?.length ? spec.audiences : opts.apiAudiences;
  spec.expirationSeconds = spec.expirationSeconds ?? 3600;
  if (spec.expirationSeconds < 600) {
    throw invalid('TokenRequest', saName, [invalidValue('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 10 minutes')], 'authentication.k8s.io');
  }
  if (spec.expirationSeconds > 2 ** 32) {
    throw invalid('TokenRequest', saName, [invalidValue('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration larger than 2^32 seconds')], 'authentication.k8s.io');
  }
  const bound: { pod?: { name: string; uid: string }; secret?: { name: string; uid: string }; node?: { name: string; uid: string } } = {};
  const ref = spec.boundObjectRef;
  if (ref && (ref.kind || ref.name)) {
    const resource = BOUND_KINDS[ref.kind ?? ''];
    if (!resource) {
      throw invalid('TokenRequest', saName, [notSupported('spec.boundObjectRef.kind', ref.kind, Object.keys(BOUND_KINDS))], 'authentication.k8s.io');
    }
    const target = await storage.get(resource, resource === 'nodes' ? undefined : namespace, ref.name ?? '');
    if (!target) throw notFound({ group: '', resource }, ref.name ?? '');
    if (ref.uid && ref.uid !== target.metadata.uid) {
      throw new ApiError(409, 'Conflict', `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
    const who = { name: target.metadata.name ?? '', uid: target.metadata.uid ?? '' };
    if (ref.kind === 'Pod') {
      const podAccount = (target.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName;
      if (podAccount !== saName) {
        throw badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
      }
      bound.pod = who;
      const nodeName = (target.spec as { nodeName?: string } | undefined)?.nodeName;
      const node = nodeName ? await storage.get('nodes', undefined, nodeName) : undefined;
      if (node) bound.node = { name: node.metadata.name ?? '', uid: node.metadata.uid ?? '' };
    } else if (ref.kind === 'Secret') bound.secret = who;
    else bound.node = who;
    spec.boundObjectRef = { kind: ref.kind, apiVersion: ref.apiVersion ?? 'v1', name: who.name, uid: who.uid };
  }
  const token = await opts.signer.issue({
    namespace,
    serviceAccount: { name: saName, uid: sa.metadata.uid ?? '' },
    audiences: spec.audiences,
    expirationSeconds: spec.expirationSeconds,
    ...bound,
    now,
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: saName, namespace, creationTimestamp: nowTimestamp(now) },
    spec,
    status: { token, expirationTimestamp: nowTimestamp(new Date(now.getTime() + spec.expirationSeconds * 1000)) },
  };
}
