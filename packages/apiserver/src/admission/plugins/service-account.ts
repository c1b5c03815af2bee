// ServiceAccount (plugin/pkg/admission/serviceaccount): on pod create, default spec.serviceAccountName to
// `default`, require that account to exist, mount its API credentials unless automounting is off, and copy its
// imagePullSecrets; mirror pods are never changed and may reference no accounts, secrets or token projections.
import { type KubeObject } from '@hubspoke/api';
import { podReferences } from '@hubspoke/auth';
import { admissionForbidden, type Attributes } from '../attributes.ts';
import type { AdmissionContext, AdmissionPlugin, AdmissionVerdict } from '../plugin.ts';
import { mountServiceAccountToken, type MountablePodSpec } from './service-account-volume.ts';

/** The account a pod runs as when it names none. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';

/** The annotation that marks a pod the kubelet mirrors from a static manifest. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** The annotation that makes an account limit the secrets its pods reference. */
export const ENFORCE_MOUNTABLE_SECRETS_ANNOTATION = 'kubernetes.io/enforce-mountable-secrets';

// strconv.ParseBool's spellings of true.
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

interface PodSpec extends MountablePodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name?: string }[];
  volumes?: { name?: string; secret?: { secretName?: string }; projected?: { sources?: Record<string, unknown>[] } }[];
}

interface ServiceAccount {
  automountServiceAccountToken?: boolean;
  secrets?: { name?: string }[];
  imagePullSecrets?: { name?: string }[];
}

/** How long to wait for the `default` account a controller is about to create (`getServiceAccount`'s retries). */
export interface ServiceAccountOptions {
  /** Lookups of `default` before giving up (Kubernetes: 10; any other name is looked up once). */
  defaultAccountAttempts?: number;
  /** Pause between lookups (Kubernetes: 100–200 ms). */
  retryIntervalMs?: () => number;
}

/** The ServiceAccount plugin. */
export function serviceAccountAdmission(options: ServiceAccountOptions = {}): AdmissionPlugin {
  const attempts = options.defaultAccountAttempts ?? 10;
  const interval = options.retryIntervalMs ?? (() => 100 + Math.floor(Math.random() * 100));

  const lookUp = async (ctx: AdmissionContext, namespace: string, name: string): Promise<KubeObject | undefined> => {
    const tries = name === DEFAULT_SERVICE_ACCOUNT ? attempts : 1;
    for (let i = 0; i < tries; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, interval()));
      const sa = ctx.peek('serviceaccounts', namespace, name);
      if (sa) return sa;
    }
    return undefined;
  };
  const missing = (attrs: Attributes, name: string) =>
    admissionForbidden(attrs, `error looking up service account ${attrs.namespace}/${name}: serviceaccount "${name}" not found`);

  const validate = async (attrs: Attributes, ctx: AdmissionContext): Promise<AdmissionVerdict> => {
    const pod = podOf(attrs);
    if (!pod || attrs.operation !== 'CREATE') return undefined;
    const spec = (pod.spec ?? {}) as PodSpec;
    if (isMirrorPod(pod)) return mirrorPodProblem(attrs, pod, spec);
    if (!spec.serviceAccountName) return admissionForbidden(attrs, `no service account specified for pod ${attrs.namespace}/${pod.metadata.name ?? ''}`);
    const sa = await lookUp(ctx, attrs.namespace, spec.serviceAccountName);
    if (!sa) return missing(attrs, spec.serviceAccountName);
    if (!GO_TRUE.has(sa.metadata.annotations?.[ENFORCE_MOUNTABLE_SECRETS_ANNOTATION] ?? '')) return undefined;
    const refusal = unmountableSecret(spec, sa);
    return refusal ? admissionForbidden(attrs, refusal) : undefined;
  };

  return {
    name: 'ServiceAccount',
    operations: ['CREATE', 'UPDATE'],
    async admit(attrs, ctx) {
      const pod = podOf(attrs);
      if (!pod || attrs.operation !== 'CREATE') return undefined;
      // Changing a mirror pod's spec would make the kubelet delete it as not matching its manifest.
      if (isMirrorPod(pod)) return validate(attrs, ctx);
      const spec = (pod.spec ??= {}) as PodSpec;
      if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount = DEFAULT_SERVICE_ACCOUNT;
      const found = await lookUp(ctx, attrs.namespace, spec.serviceAccountName);
      if (!found) return missing(attrs, spec.serviceAccountName);
      const sa = found as unknown as ServiceAccount;
      const automount = spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
      if (automount) mountServiceAccountToken(spec);
      if (!spec.imagePullSecrets?.length && sa.imagePullSecrets?.length) {
        spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ name: s.name }));
      }
      return validate(attrs, ctx);
    },
    validate,
  };
}

function podOf(attrs: Attributes): KubeObject | undefined {
  if (attrs.resource.group !== '' || attrs.resource.resource !== 'pods' || attrs.subresource !== '') return undefined;
  return attrs.object;
}

/** Whether the kubelet mirrors this pod from a static manifest. */
export function isMirrorPod(pod: KubeObject): boolean {
  return pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined;
}

function mirrorPodProblem(attrs: Attributes, pod: KubeObject, spec: PodSpec): AdmissionVerdict {
  if (spec.serviceAccountName) return admissionForbidden(attrs, 'a mirror pod may not reference service accounts');
  if (podReferences(pod).secrets.size > 0) return admissionForbidden(attrs, 'a mirror pod may not reference secrets');
  const projectsToken = (spec.volumes ?? []).some((v) => (v.projected?.sources ?? []).some((s) => s.serviceAccountToken));
  if (projectsToken) return admissionForbidden(attrs, 'a mirror pod may not use ServiceAccountToken volume projections');
  return undefined;
}

type Json = Record<string, unknown>;
const objects = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Json[]) : []);
const field = (v: unknown, key: string): Json => ((v as Json | undefined)?.[key] ?? {}) as Json;

/** `limitSecretReferences`: the first secret the pod uses that its account does not list, in Kubernetes' words. */
function unmountableSecret(spec: PodSpec, sa: KubeObject): string | undefined {
  const account = sa as unknown as ServiceAccount;
  const saName = sa.metadata.name ?? '';
  const mountable = new Set((account.secrets ?? []).map((s) => s.name));
  const denied = (what: string, secret: unknown) => `${what} referencing secret.secretName="${String(secret)}" is not allowed because service account ${saName} does not reference that secret`;
  for (const volume of spec.volumes ?? []) {
    if (volume.secret && !mountable.has(volume.secret.secretName)) {
      return `volume with secret.secretName="${volume.secret.secretName ?? ''}" is not allowed because service account ${saName} does not reference that secret`;
    }
  }
  const groups: [string, Json[]][] = [
    ['init container', objects(spec.initContainers)],
    ['container', objects(spec.containers)],
  ];
  for (const [label, containers] of groups) {
    for (const c of containers) {
      for (const env of objects(c['env'])) {
        const ref = field(field(env, 'valueFrom'), 'secretKeyRef');
        if (ref['name'] !== undefined && !mountable.has(ref['name'] as string)) {
          return denied(`${label} ${String(c['name'])} with envVar ${String(env['name'])}`, ref['name']);
        }
      }
      for (const from of objects(c['envFrom'])) {
        const ref = field(from, 'secretRef');
        if (ref['name'] !== undefined && !mountable.has(ref['name'] as string)) {
          return denied(`${label} ${String(c['name'])} with envFrom`, ref['name']);
        }
      }
    }
  }
  const pullable = new Set((account.imagePullSecrets ?? []).map((s) => s.name));
  const pulls = spec.imagePullSecrets ?? [];
  for (let i = 0; i < pulls.length; i++) {
    if (!pullable.has(pulls[i].name)) {
      return `imagePullSecrets[${i}].name="${pulls[i].name ?? ''}" is not allowed because service account ${saName} does not reference that imagePullSecret`;
    }
  }
  return undefined;
}
