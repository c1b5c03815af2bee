// `--authorization-mode=Node`: what a kubelet (`system:node:<name>` in `system:nodes`) may do, after
// plugin/pkg/auth/authorizer/node with Kubernetes 1.32's defaults (AuthorizeNodeWithSelectors on). Reads of
// secrets, configmaps, claims, pods and ServiceAccount tokens are allowed only along an edge from a pod bound to
// the node; everything else is judged by the static `system:node` rules.
//
// Writes are allowed by name-less rules, as in Kubernetes: any node may create, update and patch Nodes and their
// status, create and delete pods, update pod status, evict pods, and create Leases. The authorizer sees only the
// URL, not the body, so holding a node to its own objects is the NodeRestriction admission plugin's job
// (admission/plugins/node-restriction.ts in the apiserver): without that plugin a node may write any Node.
//
// As with 1.32's AuthorizeNodeWithSelectors (beta, on): a node may list/watch pods only with
// `fieldSelector=spec.nodeName=<itself>` (or name a pod bound to it).
import type { KubeObject } from '@hubspoke/api';
import type { Attributes, Authorizer, Decision, ObjectSource } from './types.ts';
import { Groups } from '../user.ts';
import { rulesAllow } from '../rbac/rule.ts';
import { nodeRules } from '../rbac/bootstrap-policy.ts';
import { podNodeName, podReferences, type PodReferences } from './pod-references.ts';

const NODE_USER_PREFIX = 'system:node:';
const NO_OPINION: Decision = { kind: 'no-opinion' };
const ALLOW: Decision = { kind: 'allow' };

/** The name of the node a user is, `''` for a node user without a name, undefined for anyone else. */
export function nodeIdentity(user: { name: string; groups: string[] }): string | undefined {
  if (!user.name.startsWith(NODE_USER_PREFIX) || !user.groups.includes(Groups.nodes)) return undefined;
  return user.name.slice(NODE_USER_PREFIX.length);
}

/** The Node authorizer over the pods, claims and volumes in `source`. */
export function nodeAuthorizer(source: ObjectSource): { authorize(attrs: Attributes): Decision } & Authorizer {
  const staticRules = nodeRules();

  return {
    name: 'Node',
    authorize(attrs): Decision {
      const node = nodeIdentity(attrs.user);
      if (node === undefined) return NO_OPINION;
      if (node === '') return deny(`unknown node for user "${attrs.user.name}"`);
      const graph = new PodGraph(source, node);

      if (attrs.isResourceRequest) {
        const group = attrs.apiGroup ?? '';
        const key = `${group}/${attrs.resource ?? ''}`;
        switch (key) {
          case '/secrets':
            return readNamespaced(attrs, node, () => graph.references(attrs, (r) => r.secrets.has(attrs.name!)));
          case '/configmaps':
            return readNamespaced(attrs, node, () => graph.references(attrs, (r) => r.configMaps.has(attrs.name!)));
          case '/persistentvolumeclaims':
            if (attrs.subresource === 'status') {
              if (attrs.verb !== 'update' && attrs.verb !== 'patch') return deny('can only get/update/patch this type');
              return related(attrs, node, () => graph.references(attrs, (r) => r.persistentVolumeClaims.has(attrs.name!)));
            }
            return getOnly(attrs, node, () => graph.references(attrs, (r) => r.persistentVolumeClaims.has(attrs.name!)));
          case '/persistentvolumes':
            return getOnly(attrs, node, () => graph.usesVolume(attrs.name!));
          case '/serviceaccounts':
            if (attrs.verb !== 'create' || !attrs.name) return deny('can only create tokens for individual service accounts');
            if (attrs.subresource !== 'token') return deny('can only create token subresource of serviceaccount');
            return related(attrs, node, () => graph.references(attrs, (r) => r.serviceAccount === attrs.name));
          case 'coordination.k8s.io/leases':
            return lease(attrs, node);
          case 'storage.k8s.io/csinodes':
            return csiNode(attrs, node);
          case 'storage.k8s.io/volumeattachments':
            // Attachments are not tracked here, so no node has a relationship to one.
            return getOnly(attrs, node, () => false);
          case '/nodes':
            return nodeObject(attrs, node);
          case '/pods':
            return pod(attrs, node, graph);
        }
      }
      return rulesAllow(attrs, staticRules) ? ALLOW : NO_OPINION;
    },
  };
}

function deny(reason: string): Decision {
  return { kind: 'no-opinion', reason };
}

const noRelationship = (node: string) => deny(`no relationship found between node '${node}' and this object`);

function related(attrs: Attributes, node: string, hasEdge: () => boolean): Decision {
  if (!attrs.name) return deny('No Object name found');
  return hasEdge() ? ALLOW : noRelationship(node);
}

function getOnly(attrs: Attributes, node: string, hasEdge: () => boolean): Decision {
  if (attrs.verb !== 'get') return deny('can only get individual resources of this type');
  if (attrs.subresource) return deny('cannot get subresource');
  return related(attrs, node, hasEdge);
}

function readNamespaced(attrs: Attributes, node: string, hasEdge: () => boolean): Decision {
  if (!['get', 'list', 'watch'].includes(attrs.verb)) return deny('can only read resources of this type');
  if (attrs.subresource) return deny('cannot read subresource');
  if (!attrs.namespace) return deny('can only read namespaced object of this type');
  return related(attrs, node, hasEdge);
}

function lease(attrs: Attributes, node: string): Decision {
  if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb)) {
    return deny('can only get, create, update, patch, or delete a node lease');
  }
  if (attrs.namespace !== 'kube-node-lease') return deny('can only access leases in the "kube-node-lease" system namespace');
  // On create the name is in the body, which only the NodeRestriction admission plugin can check.
  if (attrs.verb !== 'create' && attrs.name !== node) return deny('can only access node lease with the same name as the requesting node');
  return ALLOW;
}

function csiNode(attrs: Attributes, node: string): Decision {
  if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb)) {
    return deny('can only get, create, update, patch, or delete a CSINode');
  }
  if (attrs.subresource) return deny('cannot authorize CSINode subresources');
  if (attrs.verb !== 'create' && attrs.name !== node) return deny('can only access CSINode with the same name as the requesting node');
  return ALLOW;
}

function nodeObject(attrs: Attributes, node: string): Decision {
  if (!attrs.subresource) {
    // Any name: NodeRestriction limits a node to creating and updating its own Node.
    if (['create', 'update', 'patch'].includes(attrs.verb)) return ALLOW;
    if (['get', 'list', 'watch'].includes(attrs.verb)) {
      // The name, not the graph, so a kubelet may read its Node before creating it.
      if (attrs.name === node) return ALLOW;
      if (!attrs.name) return deny(`node '${node}' cannot read all nodes, only its own Node object`);
      return deny(`node '${node}' cannot read '${attrs.name}', only its own Node object`);
    }
  }
  if (attrs.subresource === 'status' && (attrs.verb === 'update' || attrs.verb === 'patch')) return ALLOW;
  return NO_OPINION;
}

function pod(attrs: Attributes, node: string, graph: PodGraph): Decision {
  switch (attrs.subresource ?? '') {
    case '':
      if (attrs.verb === 'get') return getOnly(attrs, node, () => graph.podOnNode(attrs.namespace, attrs.name!));
      if (attrs.verb === 'list' || attrs.verb === 'watch') {
        const scoped = (attrs.fieldSelector ?? []).some((r) => r.field === 'spec.nodeName' && r.operator === '=' && r.value === node);
        if (scoped) return ALLOW;
        if (attrs.name) return related(attrs, node, () => graph.podOnNode(attrs.namespace, attrs.name!));
        return { kind: 'no-opinion', reason: 'can only list/watch pods with spec.nodeName field selector' };
      }
      // Mirror pods; NodeRestriction limits a node to creating and deleting pods bound to itself.
      if (attrs.verb === 'create' || attrs.verb === 'delete') return ALLOW;
      break;
    case 'status':
      // NodeRestriction limits a node to the status of pods bound to itself.
      if (attrs.verb === 'update' || attrs.verb === 'patch') return ALLOW;
      break;
    case 'eviction':
      if (attrs.verb === 'create') return ALLOW;
      break;
  }
  return NO_OPINION;
}

/** The pods bound to one node, and what they reference, read from the source on demand. */
class PodGraph {
  constructor(
    private readonly source: ObjectSource,
    private readonly node: string,
  ) {}

  pod(namespace: string | undefined, name: string): KubeObject | undefined {
    return namespace ? this.source.get('pods', namespace, name) : undefined;
  }

  podOnNode(namespace: string | undefined, name: string): boolean {
    const p = this.pod(namespace, name);
    return p !== undefined && podNodeName(p) === this.node;
  }

  /** True when some pod on this node, in the request's namespace, references the object. */
  references(attrs: Attributes, test: (refs: PodReferences) => boolean): boolean {
    if (!attrs.namespace) return false;
    return this.nodePods(attrs.namespace).some((p) => test(podReferences(p)));
  }

  /** True when a claim used by a pod on this node is bound to the PersistentVolume `name`. */
  usesVolume(name: string): boolean {
    for (const p of this.nodePods()) {
      const namespace = p.metadata.namespace;
      for (const claim of podReferences(p).persistentVolumeClaims) {
        const pvc = namespace ? this.source.get('persistentvolumeclaims', namespace, claim) : undefined;
        if ((pvc?.['spec'] as { volumeName?: string } | undefined)?.volumeName === name) return true;
      }
    }
    return false;
  }

  private nodePods(namespace?: string): KubeObject[] {
    return this.source.list('pods', namespace).filter((p) => podNodeName(p) === this.node);
  }
}
