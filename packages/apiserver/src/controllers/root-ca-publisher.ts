// The root CA publisher: ConfigMap `kube-root-ca.crt` with the cluster CA in every namespace that is not
// terminating, which the projected service-account volume mounts as ca.crt. Edits are put back.
import type { KubeObject } from '@hubspoke/api';
import type { Controller, ControllerContext } from './context.ts';
import { KEYS } from './context.ts';
import { startPerNamespace } from './per-namespace.ts';

/** Root CA publisher settings. */
export interface RootCAPublisherContext extends ControllerContext {
  /** The CA bundle (PEM) clients use to verify the apiserver. */
  caPem: string;
}

/** The ConfigMap's name, fixed by Kubernetes. */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the ' +
  'internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes ' +
  'clusters.';

/** Start publishing the root CA. */
export function startRootCAPublisher(ctx: RootCAPublisherContext): Controller {
  return startPerNamespace(ctx, {
    controller: 'root-ca-publisher',
    key: KEYS.configMaps,
    name: ROOT_CA_CONFIGMAP,
    build: () => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
      data: { 'ca.crt': ctx.caPem },
    }),
    correct(current: KubeObject) {
      const data = (current.data ?? {}) as Record<string, string>;
      const annotations = current.metadata.annotations ?? {};
      const dataOk = Object.keys(data).length === 1 && data['ca.crt'] === ctx.caPem;
      if (dataOk && annotations[DESCRIPTION_ANNOTATION] === DESCRIPTION) return undefined;
      return {
        ...current,
        metadata: { ...current.metadata, annotations: { ...annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
        data: { 'ca.crt': ctx.caPem },
      };
    },
  });
}
