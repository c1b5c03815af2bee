// One pod volume set up by its kind: configMap, secret, downwardAPI and projected are filled from the
// cluster; every other kind (emptyDir, hostPath, persistentVolumeClaim …) is accepted and mounted empty.
import { projectDownwardAPI } from './downward-api.ts';
import { projectConfigMap, projectSecret } from './object-sources.ts';
import { setUpProjected } from './projected.ts';
import type { PodVolume, VolumeContext, VolumeSetUp } from './types.ts';

/** The files of `volume`, or why it cannot be mounted. */
export async function setUpVolume(volume: PodVolume, ctx: VolumeContext): Promise<VolumeSetUp> {
  if (volume.configMap) return projectConfigMap(volume.configMap, ctx);
  if (volume.secret) {
    const { secretName, items, optional } = volume.secret;
    return projectSecret({ name: secretName, items, optional }, ctx);
  }
  if (volume.downwardAPI) return projectDownwardAPI(volume.name, volume.downwardAPI.items, ctx);
  if (volume.projected) return setUpProjected(volume.name, volume.projected.sources, ctx);
  return { kind: 'ready', files: new Map() };
}

/** The FailedMount event message Kubernetes' operation executor writes for a failed SetUp. */
export function mountFailureMessage(volume: string, cause: string): string {
  return `MountVolume.SetUp failed for volume "${volume}" : ${cause}`;
}
