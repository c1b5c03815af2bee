// ServiceAccount token authentication (`--service-account-key-file`, `--service-account-issuer`,
// `--api-audiences`). A bearer JWT from one of our issuers must carry a valid signature, overlap the expected
// audiences, be within its lifetime, and still name live objects: the ServiceAccount and whatever pod, secret
// or node the token is bound to, with the same uid. Deleting (or re-creating) any of them revokes the token.
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { KeyObject } from 'node:crypto';
import { bearerToken, type Authenticator, type AuthnResult } from './types.ts';
import { INVALID_BEARER_TOKEN } from './bearer-token.ts';
import type { ObjectSource } from '../authz/types.ts';
import type { UserInfo } from '../user.ts';
import type { KubeObject } from '@hubspoke/api';
import { keyId, loadPublicKeys, signingAlgorithm } from '../serviceaccount/keys.ts';
import { KUBERNETES_CLAIM, type KubernetesClaim, type ObjectRef } from '../serviceaccount/claims.ts';
import { ServiceAccountExtra, serviceAccountGroups, serviceAccountUsername } from '../serviceaccount/names.ts';

/** How ServiceAccount tokens are checked. */
export interface ServiceAccountAuthenticatorConfig {
  /** PEM texts with the verification keys (public keys, private keys or certificates). */
  publicKeysPem: string[];
  /** Accepted `iss` values; tokens from other issuers are not ours to judge. */
  issuers: string[];
  /** `--api-audiences`; empty means the first issuer, as kube-apiserver defaults it. */
  apiAudiences: string[];
  /** Where ServiceAccounts, Pods, Secrets and Nodes are looked up. */
  source: ObjectSource;
  now?: () => Date;
}

/** The ServiceAccount authenticator, plus a token-level entry point for TokenReview. */
export interface ServiceAccountAuthenticator extends Authenticator {
  /** Judges one token; `audiences` are the ones a TokenReview asked for (default: the API audiences). */
  authenticateToken(token: string, audiences?: string[]): Promise<AuthnResult>;
}

// go-jose's default leeway, applied to exp/nbf/iat and to deletion timestamps.
const LEEWAY_MS = 60_000;

/** Authenticates bound ServiceAccount JWTs presented as bearer tokens. */
export function serviceAccountAuthenticator(config: ServiceAccountAuthenticatorConfig): ServiceAccountAuthenticator {
  if (config.issuers.length === 0) throw new Error('service account authenticator needs at least one issuer');
  const keys = loadPublicKeys(config.publicKeysPem).map((key) => ({ key, kid: keyId(key), alg: signingAlgorithm(key) }));
  if (keys.length === 0) throw new Error('service account authenticator needs at least one public key');
  const issuers = new Set(config.issuers);
  const implicitAudiences = config.apiAudiences.length > 0 ? [...config.apiAudiences] : [config.issuers[0]];
  const now = config.now ?? (() => new Date());

  async function authenticateToken(token: string, requested: string[] = implicitAudiences): Promise<AuthnResult> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      return { kind: 'no-opinion' };
    }
    if (typeof unverified.iss !== 'string' || !issuers.has(unverified.iss)) return { kind: 'no-opinion' };
    const reject = (why: string): AuthnResult => ({ kind: 'rejected', reason: `${INVALID_BEARER_TOKEN}: ${why}` });

    const payload = await verifySignature(token, keys);
    if (!payload) return reject('token signature does not verify with any service account key');

    const tokenAudiences = audiencesOf(payload);
    const audiences = (tokenAudiences.length > 0 ? tokenAudiences : implicitAudiences).filter((a) => requested.includes(a));
    if (audiences.length === 0) {
      return reject(`token audiences ${goQuote(tokenAudiences)} is invalid for the target audiences ${goQuote(requested)}`);
    }

    const at = now().getTime();
    const timeProblem = lifetimeProblem(payload, at);
    if (timeProblem) return reject(timeProblem);

    const claim = payload[KUBERNETES_CLAIM] as KubernetesClaim | undefined;
    if (!isKubernetesClaim(claim)) return reject('service account token claims could not be validated: missing kubernetes.io claim');
    const bound = checkBoundObjects(config.source, claim, at);
    if (typeof bound === 'string') return reject(bound);

    const user: UserInfo = {
      name: serviceAccountUsername(claim.namespace, claim.serviceaccount.name),
      uid: claim.serviceaccount.uid,
      groups: serviceAccountGroups(claim.namespace),
    };
    const extra: Record<string, string[]> = {};
    if (bound.pod) {
      extra[ServiceAccountExtra.podName] = [bound.pod.name];
      extra[ServiceAccountExtra.podUID] = [bound.pod.uid];
    }
    if (typeof payload.jti === 'string' && payload.jti) extra[ServiceAccountExtra.credentialID] = [`JTI=${payload.jti}`];
    if (bound.node) {
      extra[ServiceAccountExtra.nodeName] = [bound.node.name];
      if (bound.node.uid) extra[ServiceAccountExtra.nodeUID] = [bound.node.uid];
    }
    if (Object.keys(extra).length > 0) user.extra = extra;
    return { kind: 'authenticated', user, audiences };
  }

  return {
    name: 'service-account',
    authenticateToken,
    async authenticate(req) {
      const token = bearerToken(req);
      if (token === undefined) return { kind: 'no-opinion' };
      return req.audiences?.length ? authenticateToken(token, req.audiences) : authenticateToken(token);
    },
  };
}

async function verifySignature(
  token: string,
  keys: { key: KeyObject; kid: string; alg: string }[],
): Promise<JWTPayload | undefined> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return undefined;
  }
  // The named key first; the others too, since Kubernetes does not require a kid.
  const ordered = [...keys.filter((k) => k.kid === kid), ...keys.filter((k) => k.kid !== kid)];
  for (const { key, alg } of ordered) {
    try {
      const { payload } = await compactVerify(token, key, { algorithms: [alg] });
      return JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
    } catch {
      // try the next key
    }
  }
  return undefined;
}

function audiencesOf(payload: JWTPayload): string[] {
  if (typeof payload.aud === 'string') return [payload.aud];
  return Array.isArray(payload.aud) ? payload.aud.filter((a): a is string => typeof a === 'string') : [];
}

// go-jose's wording; the apiserver returns these from its validator.
function lifetimeProblem(payload: JWTPayload, at: number): string | undefined {
  const ms = (seconds: unknown) => (typeof seconds === 'number' ? seconds * 1000 : undefined);
  const exp = ms(payload.exp);
  const nbf = ms(payload.nbf);
  const iat = ms(payload.iat);
  if (exp !== undefined && at - LEEWAY_MS > exp) return 'service account token has expired';
  if (nbf !== undefined && at + LEEWAY_MS < nbf) return 'service account token is not valid yet';
  if (iat !== undefined && at + LEEWAY_MS < iat) return 'service account token is issued in the future';
  return undefined;
}

function isKubernetesClaim(claim: KubernetesClaim | undefined): claim is KubernetesClaim {
  return (
    !!claim &&
    typeof claim.namespace === 'string' &&
    typeof claim.serviceaccount?.name === 'string' &&
    typeof claim.serviceaccount?.uid === 'string'
  );
}

/** The pod and node the token speaks for, or the reason it has been revoked. */
function checkBoundObjects(
  source: ObjectSource,
  claim: KubernetesClaim,
  at: number,
): { pod?: ObjectRef; node?: ObjectRef } | string {
  const { namespace, serviceaccount: sa } = claim;
  // Objects in graceful deletion keep working for the leeway, as a terminating pod still needs its token.
  const deleted = (obj: KubeObject) => {
    const ts = obj.metadata.deletionTimestamp;
    return ts !== undefined && Date.parse(ts) < at - LEEWAY_MS;
  };

  const account = source.get('serviceaccounts', namespace, sa.name);
  if (!account) return `serviceaccount "${sa.name}" not found`;
  if (deleted(account)) return `service account ${namespace}/${sa.name} has been deleted`;
  if (account.metadata.uid !== sa.uid) return `service account UID (${account.metadata.uid ?? ''}) does not match claim (${sa.uid})`;

  if (claim.secret) {
    const secret = source.get('secrets', namespace, claim.secret.name);
    if (!secret || deleted(secret)) return 'service account token has been invalidated';
    if (secret.metadata.uid !== claim.secret.uid) {
      return `secret UID (${secret.metadata.uid ?? ''}) does not match service account secret ref claim (${claim.secret.uid})`;
    }
  }
  if (claim.pod) {
    const pod = source.get('pods', namespace, claim.pod.name);
    if (!pod || deleted(pod)) return 'service account token has been invalidated';
    if (pod.metadata.uid !== claim.pod.uid) {
      return `pod UID (${pod.metadata.uid ?? ''}) does not match service account pod ref claim (${claim.pod.uid})`;
    }
    // A pod-bound token names its pod's node for information only; the pod check above is what revokes it.
    return { pod: claim.pod, node: claim.node };
  }
  if (claim.node) {
    const node = source.get('nodes', undefined, claim.node.name);
    if (!node || deleted(node)) return 'service account token has been invalidated';
    if (node.metadata.uid !== claim.node.uid) {
      return `node UID (${node.metadata.uid ?? ''}) does not match service account node ref claim (${claim.node.uid})`;
    }
    return { node: claim.node };
  }
  return {};
}

// Go's %q of a []string: ["a" "b"].
function goQuote(values: string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}
