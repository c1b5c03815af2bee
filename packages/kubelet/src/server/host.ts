// What the kubelet server needs from the kubelet: a small interface, so the same server runs over a real
// kubelet or a fake in tests.
import type { KubeObject } from '@hubspoke/api';
import type { ContainerInstances } from '../container-runner.ts';

/** One container of one pod, as logs, exec, attach and run see it. */
export interface ContainerAccess extends ContainerInstances {
  /** The pod object, with the status this kubelet computed. */
  pod: KubeObject;
}

/** The kubelet as its HTTPS server sees it. */
export interface KubeletHost {
  readonly nodeName: string;
  /** `--streaming-connection-idle-timeout`: exec, attach and port-forward sessions idle this long are closed. */
  readonly streamingConnectionIdleTimeoutMs?: number;
  /** The pods this kubelet runs, with their current status. */
  pods(): KubeObject[];
  /** The pod `namespace/name` this kubelet runs. */
  pod(namespace: string, name: string): KubeObject | undefined;
  /** The IP the pod's containers listen on. */
  podIP(namespace: string, name: string): string | undefined;
  /** Container `container` of pod `namespace/pod`; undefined when the pod or the container is unknown. */
  container(namespace: string, pod: string, container: string): ContainerAccess | undefined;
}
