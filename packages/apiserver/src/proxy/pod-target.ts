// Which pod, container and node a log/exec/attach/portforward request is about, with kube-apiserver's rules
// and messages: a lone container is the default, several need a name, an unknown name is refused, and a pod
// not yet bound to a node has no kubelet to talk to.
import { badRequest, notFound, type KubeObject } from '@hubspoke/api';
import type { Storage } from '../storage/interface.ts';

interface Container {
  name?: string;
}

interface PodSpec {
  nodeName?: string;
  initContainers?: Container[];
  containers?: Container[];
  ephemeralContainers?: Container[];
}

/** The pod named by the request; 404 `pods "x" not found`. */
export async function getPod(objects: Pick<Storage, 'get'>, namespace: string, name: string): Promise<KubeObject> {
  const pod = await objects.get('pods', namespace, name);
  if (!pod) throw notFound({ group: '', resource: 'pods' }, name);
  return pod;
}

/** The container to use: `requested`, or the only regular container; 400 otherwise. */
export function resolveContainer(pod: KubeObject, requested: string): string {
  const spec = (pod.spec ?? {}) as PodSpec;
  const podName = pod.metadata.name ?? '';
  const regular = spec.containers ?? [];
  // podutil.VisitContainers order: init containers, containers, ephemeral containers.
  const all = [...(spec.initContainers ?? []), ...regular, ...(spec.ephemeralContainers ?? [])].map((c) => c.name ?? '');
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${podName}`);
    return requested;
  }
  if (regular.length === 1) return regular[0].name ?? '';
  if (regular.length === 0) throw badRequest(`a container name must be specified for pod ${podName}`);
  throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${all.join(' ')}]`);
}

/** The node the pod is bound to, or '' when it is not scheduled yet. */
export function nodeNameOf(pod: KubeObject): string {
  return ((pod.spec ?? {}) as PodSpec).nodeName ?? '';
}

/** The node of a pod that must be scheduled for a stream; 400 `pod X does not have a host assigned`. */
export function requireNode(pod: KubeObject): string {
  const node = nodeNameOf(pod);
  if (!node) throw badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
  return node;
}
