// The projected volume: several sources (ServiceAccount token, ConfigMap, Secret, downward API) merged into
// one directory. Every source is tried; the failures are reported together and fail the mount.
import { aggregate, projectDownwardAPI } from './downward-api.ts';
import { projectConfigMap, projectSecret } from './object-sources.ts';
import { projectServiceAccountToken } from './service-account-token.ts';
import type { VolumeContext, VolumeFiles, VolumeProjection, VolumeSetUp } from './types.ts';

/** The merged files of `sources`, later sources winning a shared path, or every source's failure. */
export async function setUpProjected(volume: string, sources: VolumeProjection[] | undefined, ctx: VolumeContext): Promise<VolumeSetUp> {
  const files: VolumeFiles = new Map();
  const errors: string[] = [];
  for (const source of sources ?? []) {
    const result = await projectSource(volume, source, ctx);
    if (result.kind === 'failed') errors.push(result.message);
    else for (const [path, content] of result.files) files.set(path, content);
  }
  if (errors.length > 0) return { kind: 'failed', message: aggregate(errors) };
  return { kind: 'ready', files };
}

function projectSource(volume: string, source: VolumeProjection, ctx: VolumeContext): Promise<VolumeSetUp> | VolumeSetUp {
  if (source.serviceAccountToken) return projectServiceAccountToken(source.serviceAccountToken, ctx);
  if (source.configMap) return projectConfigMap(source.configMap, ctx);
  if (source.secret) return projectSecret(source.secret, ctx);
  if (source.downwardAPI) return projectDownwardAPI(volume, source.downwardAPI.items, ctx);
  // clusterTrustBundle needs the certificates.k8s.io/v1beta1 API this cluster does not serve.
  ctx.skipped(volume, `projected source ${Object.keys(source).join(', ') || '(empty)'}`);
  return { kind: 'ready', files: new Map() };
}
