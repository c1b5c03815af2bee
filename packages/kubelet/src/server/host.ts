// What the kubelet server needs from the kubelet: a small interface, so the same server runs over a real
// kubelet or a fake in tests.
import type { KubeObject } from '@hubspoke/api';

/** The kubelet as its HTTPS server sees it. */
export interface KubeletHost {
  readonly nodeName: string;
  /** The pods this kubelet runs, with their current status. */
  pods(): KubeObject[];
}
