// How a strategic merge patch treats each list (and the rare map) of the built-in kinds: the
// `patchStrategy`/`patchMergeKey` struct tags of k8s.io/api v0.32 (core/v1, apps/v1, batch/v1, policy/v1,
// admissionregistration/v1, storage/v1) and apimachinery's ObjectMeta. A list without an entry is replaced
// whole by the patch; `retainKeys` needs no entry because the server acts on the `$retainKeys` directive.
//
// Paths are JSON field names joined by dots, with `[]` for "each item of this list":
// `spec.containers[].ports` is the ports list of every container.

/** A field's strategy: lists merged by `mergeKey` (or as a set of scalars without one), or replaced. */
export type FieldPatchStrategy = { readonly strategy: 'merge'; readonly mergeKey?: string } | { readonly strategy: 'replace' };

type Table = Record<string, FieldPatchStrategy>;

const byKey = (mergeKey: string): FieldPatchStrategy => ({ strategy: 'merge', mergeKey });
const asSet: FieldPatchStrategy = { strategy: 'merge' };
const replaced: FieldPatchStrategy = { strategy: 'replace' };

function prefixed(prefix: string, entries: Table): Table {
  return Object.fromEntries(Object.entries(entries).map(([path, s]) => [`${prefix}${path}`, s]));
}

// metav1.ObjectMeta
const objectMeta = (prefix = ''): Table =>
  prefixed(prefix, { 'metadata.ownerReferences': byKey('uid'), 'metadata.finalizers': asSet });

// core/v1 Container and EphemeralContainerCommon
const container: Table = {
  ports: byKey('containerPort'),
  env: byKey('name'),
  volumeMounts: byKey('mountPath'),
  volumeDevices: byKey('devicePath'),
};

// core/v1 PodSpec
const podSpec = (prefix: string): Table => ({
  ...prefixed(prefix, {
    volumes: byKey('name'),
    initContainers: byKey('name'),
    containers: byKey('name'),
    ephemeralContainers: byKey('name'),
    imagePullSecrets: byKey('name'),
    hostAliases: byKey('ip'),
    topologySpreadConstraints: byKey('topologyKey'),
    schedulingGates: byKey('name'),
    resourceClaims: byKey('name'),
  }),
  ...prefixed(`${prefix}initContainers[].`, container),
  ...prefixed(`${prefix}containers[].`, container),
  ...prefixed(`${prefix}ephemeralContainers[].`, container),
});

// core/v1 PodTemplateSpec
const podTemplate = (prefix: string): Table => ({ ...objectMeta(prefix), ...podSpec(`${prefix}spec.`) });

const statusConditions: Table = { 'status.conditions': byKey('type') };

// apps/v1 and batch/v1 workloads: a pod template and typed conditions.
const workload: Table = { ...objectMeta(), ...podTemplate('spec.template.'), ...statusConditions };

const webhooks: Table = { ...objectMeta(), webhooks: byKey('name'), 'webhooks[].matchConditions': byKey('name') };

const TABLE: Record<string, Table> = {
  Pod: {
    ...objectMeta(),
    ...podSpec('spec.'),
    ...statusConditions,
    'status.hostIPs': byKey('ip'),
    'status.podIPs': byKey('ip'),
    'status.resourceClaimStatuses': byKey('name'),
  },
  PodTemplate: { ...objectMeta(), ...podTemplate('template.') },
  ReplicationController: workload,
  Deployment: workload,
  ReplicaSet: workload,
  DaemonSet: workload,
  StatefulSet: workload,
  Job: workload,
  CronJob: { ...objectMeta(), ...objectMeta('spec.jobTemplate.'), ...podTemplate('spec.jobTemplate.spec.template.') },
  Service: { ...objectMeta(), 'spec.ports': byKey('port'), ...statusConditions },
  Node: {
    ...objectMeta(),
    'spec.podCIDRs': asSet,
    ...statusConditions,
    'status.addresses': byKey('type'),
  },
  Namespace: { ...objectMeta(), ...statusConditions },
  PersistentVolumeClaim: { ...objectMeta(), ...statusConditions },
  ServiceAccount: { ...objectMeta(), secrets: byKey('name') },
  ComponentStatus: { ...objectMeta(), conditions: byKey('type') },
  PodDisruptionBudget: { ...objectMeta(), 'spec.selector': replaced, ...statusConditions },
  MutatingWebhookConfiguration: webhooks,
  ValidatingWebhookConfiguration: webhooks,
  CSINode: { ...objectMeta(), 'spec.drivers': byKey('name') },
};

// Built-in kinds whose only strategic fields are ObjectMeta's.
for (const kind of [
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Event',
  'LimitRange',
  'ResourceQuota',
  'PersistentVolume',
  'Binding',
  'Lease',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'CertificateSigningRequest',
  'EndpointSlice',
  'PriorityClass',
  'StorageClass',
  'IngressClass',
  'Ingress',
  'NetworkPolicy',
  'RuntimeClass',
  'ControllerRevision',
  'HorizontalPodAutoscaler',
]) {
  TABLE[kind] = objectMeta();
}

const OBJECT_META = objectMeta();

/** Whether the kind is a built-in whose strategic merge rules are known. */
export function knowsPatchStrategies(kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(TABLE, kind);
}

/**
 * The strategy for the field at `path` of a `kind` object, or undefined (maps merge, lists are replaced).
 * Kinds not in the table get ObjectMeta's rules only, which every object shares.
 */
export function patchStrategyFor(kind: string, path: string): FieldPatchStrategy | undefined {
  const table = knowsPatchStrategies(kind) ? TABLE[kind] : OBJECT_META;
  return Object.prototype.hasOwnProperty.call(table, path) ? table[path] : undefined;
}
