// Which Node labels a kubelet may set on its own Node (NodeRestriction's `getForbiddenLabels` with
// k8s.io/kubelet's `IsKubeletLabel`): never `node-restriction.kubernetes.io/`, and of the kubernetes.io and k8s.io
// labels only the well-known topology/OS/arch/instance ones and those under kubelet. and node.kubernetes.io.

/** Labels only an administrator may set, so workloads can be steered by labels no node can claim. */
export const NODE_RESTRICTION_LABEL_NAMESPACE = 'node-restriction.kubernetes.io';

/** `kubeletapis.KubeletLabels()`. */
const KUBELET_LABELS: ReadonlySet<string> = new Set([
  'kubernetes.io/hostname',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'node.kubernetes.io/instance-type',
]);

/** `kubeletapis.KubeletLabelNamespaces()`. */
const KUBELET_LABEL_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

function labelNamespace(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

const within = (namespace: string, domain: string) => namespace === domain || namespace.endsWith(`.${domain}`);

/** Whether a kubelet may set `key` on its own Node. */
export function isKubeletLabel(key: string): boolean {
  if (KUBELET_LABELS.has(key)) return true;
  const namespace = labelNamespace(key);
  return KUBELET_LABEL_NAMESPACES.some((allowed) => within(namespace, allowed));
}

function isKubernetesLabel(key: string): boolean {
  const namespace = labelNamespace(key);
  return within(namespace, 'kubernetes.io') || within(namespace, 'k8s.io');
}

/** The keys whose value differs between two label maps (added, removed or changed). */
export function modifiedLabels(now: Record<string, string> = {}, before: Record<string, string> = {}): string[] {
  const keys = new Set([...Object.keys(now), ...Object.keys(before)]);
  return [...keys].filter((k) => now[k] !== before[k]);
}

/** Of `keys`, those a node may not add, remove or change, sorted as Kubernetes lists them. */
export function forbiddenNodeLabels(keys: readonly string[]): string[] {
  const forbidden = keys.filter(
    (key) => within(labelNamespace(key), NODE_RESTRICTION_LABEL_NAMESPACE) || (isKubernetesLabel(key) && !isKubeletLabel(key)),
  );
  return [...new Set(forbidden)].sort();
}
