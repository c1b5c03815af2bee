// core/v1 nodes: cluster-scoped, registered by kubelets. STATUS follows the Ready condition (`Unknown` when
// a kubelet never reported it), ROLES come from `node-role.kubernetes.io/*` labels.
import type { FieldError } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import type { ResourceDefinition, TablePrinter } from '../../../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from '../../columns.ts';
import { ageSince } from '../../duration.ts';
import { arr, get, rec, str } from '../../json.ts';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/index.ts';
import { ALL_VERBS } from '../verbs.ts';

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** Roles of a node from `node-role.kubernetes.io/<role>` and `kubernetes.io/role=<role>` labels, sorted. */
export function nodeRoles(node: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith(ROLE_PREFIX) && key.length > ROLE_PREFIX.length) roles.add(key.slice(ROLE_PREFIX.length));
    else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return [...roles].sort();
}

/** The STATUS column: `Ready`, `NotReady` or `Unknown`, plus `,SchedulingDisabled` when cordoned. */
export function nodeStatus(node: KubeObject): string {
  const ready = arr<{ type?: string; status?: string }>(node, 'status', 'conditions').find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (get(node, 'spec', 'unschedulable') === true) status.push('SchedulingDisabled');
  return status.join(',');
}

function address(node: KubeObject, type: string): string {
  return arr<{ type?: string; address?: string }>(node, 'status', 'addresses').find((a) => a.type === type)?.address || '<none>';
}

function info(node: KubeObject, field: string): string {
  return str(rec(node, 'status', 'nodeInfo'), field) || '<unknown>';
}

/** Kubernetes' node columns. */
export const nodePrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', { doc: 'NodeSystemInfo.kubeletVersion' }),
    column('Internal-IP', { doc: 'NodeStatus.addresses' }, { priority: 1 }),
    column('External-IP', { doc: 'NodeStatus.addresses' }, { priority: 1 }),
    column('OS-Image', { doc: 'NodeSystemInfo.osImage' }, { priority: 1 }),
    column('Kernel-Version', { doc: 'NodeSystemInfo.kernelVersion' }, { priority: 1 }),
    column('Container-Runtime', { doc: 'NodeSystemInfo.containerRuntimeVersion' }, { priority: 1 }),
  ],
  cells: (node, now) => [
    node.metadata?.name ?? '',
    nodeStatus(node),
    nodeRoles(node).join(',') || '<none>',
    ageSince(node.metadata?.creationTimestamp, now),
    str(node, 'status', 'nodeInfo', 'kubeletVersion'),
    address(node, 'InternalIP'),
    address(node, 'ExternalIP'),
    info(node, 'osImage'),
    info(node, 'kernelVersion'),
    info(node, 'containerRuntimeVersion'),
  ],
};

// SetDefaults_NodeStatus: a node that reports capacity but no allocatable can allocate everything.
function defaultNode(node: KubeObject): void {
  const status = node.status as Record<string, unknown> | undefined;
  if (status?.capacity && !status.allocatable) status.allocatable = structuredClone(status.capacity);
}

function validateNode(node: KubeObject, old?: KubeObject): FieldError[] {
  const errs = validateObjectMeta(node.metadata, { namespaced: false, name: nameIsDNSSubdomain });
  if (old) errs.push(...validateObjectMetaUpdate(node.metadata, old.metadata));
  return errs;
}

/** `nodes` (no): `spec.unschedulable` is selectable. */
export const nodes: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Node',
  listKind: 'NodeList',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  verbs: ALL_VERBS,
  subresources: ['proxy', 'status'],
  table: nodePrinter,
  defaults: defaultNode,
  validate: validateNode,
  fields: (node) => ({ 'spec.unschedulable': String(get(node, 'spec', 'unschedulable') === true) }),
};
