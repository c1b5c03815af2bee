// core/v1 pods: the definition the generic handlers serve, and the field-selector labels Kubernetes supports.
import type { KubeObject } from '../../../meta.ts';
import type { ResourceDefinition } from '../../../resource.ts';
import { ALL_VERBS } from '../verbs.ts';
import { defaultPod } from './pod-defaults.ts';
import { podPrinter } from './pod-printer.ts';
import type { Pod } from './pod-types.ts';
import { podIP } from './pod-types.ts';
import { validatePod } from './pod-validation.ts';

/** `PodToSelectableFields`: what `--field-selector` can match on pods (kubelets use `spec.nodeName`). */
export function podFields(obj: KubeObject): Record<string, string> {
  const pod = obj as Pod;
  return {
    'spec.nodeName': pod.spec?.nodeName ?? '',
    'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
    'spec.schedulerName': pod.spec?.schedulerName ?? '',
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': String(pod.spec?.hostNetwork === true),
    'status.phase': pod.status?.phase ?? '',
    'status.podIP': podIP(pod),
    'status.nominatedNodeName': pod.status?.nominatedNodeName ?? '',
  };
}

/** `pods` (po): the kubelet streams (log, exec, attach, portforward, proxy) hang off it as subresources. */
export const pods: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  listKind: 'PodList',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: ALL_VERBS,
  subresources: ['attach', 'binding', 'exec', 'log', 'portforward', 'proxy', 'status'],
  table: podPrinter,
  defaults: defaultPod,
  validate: validatePod,
  fields: podFields,
};
