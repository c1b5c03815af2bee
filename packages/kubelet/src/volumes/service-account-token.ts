// A projected volume's serviceAccountToken source: a token of the pod's ServiceAccount, bound to the pod, from
// the kubelet's token cache (which requests and refreshes it with TokenRequest).
import type { KubeObject } from '@hubspoke/api';
import type { ServiceAccountTokenProjection, TokenRequestSpec, VolumeContext, VolumeSetUp } from './types.ts';

/** The pod's ServiceAccount; unset means the namespace's `default`. */
export function podServiceAccount(pod: KubeObject): string {
  const spec = (pod.spec ?? {}) as { serviceAccountName?: string; serviceAccount?: string };
  return spec.serviceAccountName || spec.serviceAccount || 'default';
}

/** The TokenRequest spec the kubelet sends for `source`: one audience if named, bound to the pod. */
export function tokenRequestSpec(source: ServiceAccountTokenProjection, pod: KubeObject): TokenRequestSpec {
  const spec: TokenRequestSpec = {
    boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
  };
  if (source.audience) spec.audiences = [source.audience];
  if (source.expirationSeconds !== undefined) spec.expirationSeconds = source.expirationSeconds;
  return spec;
}

/** The token file of `source`, or why there is no token. */
export async function projectServiceAccountToken(source: ServiceAccountTokenProjection, ctx: VolumeContext): Promise<VolumeSetUp> {
  const { pod } = ctx;
  const result = await ctx.reader.serviceAccountToken(pod.metadata.namespace ?? 'default', podServiceAccount(pod), tokenRequestSpec(source, pod));
  if (result.kind === 'failed') return result;
  return { kind: 'ready', files: new Map([[source.path, result.token]]) };
}
