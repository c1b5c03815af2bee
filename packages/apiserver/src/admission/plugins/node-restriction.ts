// NodeRestriction (plugin/pkg/admission/noderestriction, 1.32): what the Node authorizer allows every node by
// name-less rules, this plugin narrows to the requesting node's own objects, looking at the request's content —
// its own Node (without foreign labels or new taints), mirror pods bound to itself, status of its own pods, its
// own Lease, tokens for pods it runs, and kubelet CSRs in its own name.
import { SIGNERS, notFound, semanticEqual, type KubeObject } from '@hubspoke/api';
import { nodeIdentity, podNodeName, podReferences } from '@hubspoke/auth';
import { admissionForbidden, type Attributes } from '../attributes.ts';
import type { AdmissionContext, AdmissionPlugin, AdmissionVerdict } from '../plugin.ts';
import { csrSubject } from './csr-request.ts';
import { forbiddenNodeLabels, modifiedLabels } from './node-labels.ts';
import { MIRROR_POD_ANNOTATION } from './service-account.ts';

/** The namespace of node heartbeat Leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The signers whose certificates name a node: the kubelet's serving and client certificates. */
export const KUBELET_SIGNERS: ReadonlySet<string> = new Set([SIGNERS.kubeletServing, SIGNERS.kubeletClient]);

// Go's %q for the plain names this plugin quotes.
const q = (s: string) => JSON.stringify(s);

/** The NodeRestriction plugin (mutating phase, as in Kubernetes). */
export const nodeRestriction: AdmissionPlugin = {
  name: 'NodeRestriction',
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  admit(attrs, ctx): AdmissionVerdict {
    const node = nodeIdentity(attrs.user);
    if (node === undefined) return undefined;
    if (node === '') return admissionForbidden(attrs, `could not determine node from user ${q(attrs.user.name)}`);
    switch (`${attrs.resource.group}/${attrs.resource.resource}`) {
      case '/pods':
        if (attrs.subresource === '') return admitPod(node, attrs, ctx);
        if (attrs.subresource === 'status') return admitPodStatus(node, attrs);
        if (attrs.subresource === 'eviction') return admitPodEviction(node, attrs, ctx);
        return admissionForbidden(attrs, `unexpected pod subresource ${q(attrs.subresource)}, only 'status' and 'eviction' are allowed`);
      case '/nodes':
        return admitNode(node, attrs);
      case '/serviceaccounts':
        return admitServiceAccountToken(node, attrs, ctx);
      case 'coordination.k8s.io/leases':
        return admitLease(node, attrs);
      case 'certificates.k8s.io/certificatesigningrequests':
        return admitCSR(node, attrs);
      default:
        return undefined;
    }
  },
};

function admitPod(node: string, attrs: Attributes, ctx: AdmissionContext): AdmissionVerdict {
  if (attrs.operation === 'CREATE') return admitMirrorPodCreate(node, attrs, ctx);
  if (attrs.operation === 'DELETE') {
    const existing = ctx.peek('pods', attrs.namespace, attrs.name);
    if (!existing) return notFound({ group: '', resource: 'pods' }, attrs.name);
    if (podNodeName(existing) !== node) return admissionForbidden(attrs, `node ${q(node)} can only delete pods with spec.nodeName set to itself`);
    return undefined;
  }
  return admissionForbidden(attrs, `unexpected operation ${q(attrs.operation)}, node ${q(node)} can only create and delete mirror pods`);
}

interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

function admitMirrorPodCreate(node: string, attrs: Attributes, ctx: AdmissionContext): AdmissionVerdict {
  const pod = attrs.object!;
  const refuse = (reason: string) => admissionForbidden(attrs, reason);
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] === undefined) {
    return refuse(`pod does not have ${q(MIRROR_POD_ANNOTATION)} annotation, node ${q(node)} can only create mirror pods`);
  }
  if (podNodeName(pod) !== node) return refuse(`node ${q(node)} can only create pods with spec.nodeName set to itself`);
  const owners = (pod.metadata.ownerReferences ?? []) as OwnerReference[];
  if (owners.length > 1) return refuse(`node ${q(node)} can only create pods with a single owner reference set to itself`);
  const owner = owners[0];
  if (!owner || owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== node) {
    return refuse(`node ${q(node)} can only create pods with an owner reference set to itself`);
  }
  if (owner.controller !== true) return refuse(`node ${q(node)} can only create pods with a controller owner reference set to itself`);
  if (owner.blockOwnerDeletion === true) return refuse(`node ${q(node)} must not set blockOwnerDeletion on an owner reference`);
  const nodeObject = ctx.peek('nodes', undefined, node);
  if (!nodeObject) return notFound({ group: '', resource: 'nodes' }, node);
  if (owner.uid !== nodeObject.metadata.uid) return refuse(`node ${node} UID mismatch: expected ${owner.uid ?? ''} got ${nodeObject.metadata.uid ?? ''}`);

  // A mirror pod may reference nothing else the node could then read through the Node authorizer's graph.
  const spec = (pod.spec ?? {}) as { serviceAccountName?: string; volumes?: Record<string, unknown>[] };
  if (spec.serviceAccountName) return refuse(`node ${q(node)} can not create pods that reference a service account`);
  const refs = podReferences(pod);
  if (refs.secrets.size > 0) return refuse(`node ${q(node)} can not create pods that reference secrets`);
  if (refs.configMaps.size > 0) return refuse(`node ${q(node)} can not create pods that reference configmaps`);
  const volumes = spec.volumes ?? [];
  const sources = volumes.flatMap((v) => ((v.projected as { sources?: Record<string, unknown>[] } | undefined)?.sources ?? []));
  if (sources.some((s) => s.clusterTrustBundle)) return refuse(`node ${q(node)} can not create pods that reference clustertrustbundles`);
  if (volumes.some((v) => v.persistentVolumeClaim)) return refuse(`node ${q(node)} can not create pods that reference persistentvolumeclaims`);
  return undefined;
}

function admitPodStatus(node: string, attrs: Attributes): AdmissionVerdict {
  if (attrs.operation !== 'UPDATE') return admissionForbidden(attrs, `unexpected operation ${q(attrs.operation)}`);
  const before = attrs.oldObject!;
  const after = attrs.object!;
  if (podNodeName(before) !== node) return admissionForbidden(attrs, `node ${q(node)} can only update pod status for pods with spec.nodeName set to itself`);
  if (!semanticEqual(before.metadata.labels ?? {}, after.metadata.labels ?? {})) {
    return admissionForbidden(attrs, `node ${q(node)} cannot update labels through pod status`);
  }
  const claims = (pod: KubeObject) => ((pod.status as { resourceClaimStatuses?: unknown[] } | undefined)?.resourceClaimStatuses ?? []);
  if (!semanticEqual(claims(before), claims(after))) return admissionForbidden(attrs, `node ${q(node)} cannot update resource claim statues`);
  return undefined;
}

function admitPodEviction(node: string, attrs: Attributes, ctx: AdmissionContext): AdmissionVerdict {
  if (attrs.operation !== 'CREATE') return admissionForbidden(attrs, `unexpected operation ${attrs.operation}`);
  // The URL's pod name wins over the one in the submitted Eviction.
  const podName = attrs.name || attrs.object?.metadata.name || '';
  if (!podName) return admissionForbidden(attrs, 'could not determine pod from request data');
  const existing = ctx.peek('pods', attrs.namespace, podName);
  if (!existing) return notFound({ group: '', resource: 'pods' }, podName);
  if (podNodeName(existing) !== node) return admissionForbidden(attrs, `node ${node} can only evict pods with spec.nodeName set to itself`);
  return undefined;
}

interface NodeSpec {
  configSource?: unknown;
  taints?: unknown[];
}

function admitNode(node: string, attrs: Attributes): AdmissionVerdict {
  if (attrs.name !== node) return admissionForbidden(attrs, `node ${q(node)} is not allowed to modify node ${q(attrs.name)}`);
  const after = attrs.object;
  const spec = (o: KubeObject | undefined) => (o?.spec ?? {}) as NodeSpec;
  if (attrs.operation === 'CREATE' && after) {
    // Node access is scoped to what Node.spec names, so a node choosing its config source would widen its view.
    if (spec(after).configSource != null) return admissionForbidden(attrs, `node ${q(node)} is not allowed to create pods with a non-nil configSource`);
    const labels = forbiddenNodeLabels(modifiedLabels(after.metadata.labels, undefined));
    if (labels.length) return admissionForbidden(attrs, `node ${q(node)} is not allowed to set the following labels: ${labels.join(', ')}`);
  }
  if (attrs.operation === 'UPDATE' && after && attrs.oldObject) {
    const before = attrs.oldObject;
    if (spec(after).configSource != null && !semanticEqual(spec(after).configSource, spec(before).configSource)) {
      return admissionForbidden(attrs, `node ${q(node)} is not allowed to update configSource to a new non-nil configSource`);
    }
    // Removing a taint would let a node steer workloads it should not run to itself.
    if (!semanticEqual(spec(after).taints ?? [], spec(before).taints ?? [])) return admissionForbidden(attrs, `node ${q(node)} is not allowed to modify taints`);
    const labels = forbiddenNodeLabels(modifiedLabels(after.metadata.labels, before.metadata.labels));
    if (labels.length) return admissionForbidden(attrs, `is not allowed to modify labels: ${labels.join(', ')}`);
  }
  return undefined;
}

interface TokenRequestSpec {
  boundObjectRef?: { apiVersion?: string; kind?: string; name?: string; uid?: string };
}

function admitServiceAccountToken(node: string, attrs: Attributes, ctx: AdmissionContext): AdmissionVerdict {
  if (attrs.operation !== 'CREATE' || attrs.subresource !== 'token') return undefined;
  // A node's token must be bound to a pod it runs; the apiserver then adds the Node binding itself.
  const ref = (attrs.object?.spec as TokenRequestSpec | undefined)?.boundObjectRef;
  if (!ref || ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || !ref.name) return admissionForbidden(attrs, 'node requested token not bound to a pod');
  if (!ref.uid) return admissionForbidden(attrs, 'node requested token with a pod binding without a uid');
  const pod = ctx.peek('pods', attrs.namespace, ref.name);
  if (!pod) return notFound({ group: '', resource: 'pods' }, ref.name);
  if (ref.uid !== pod.metadata.uid) {
    return admissionForbidden(
      attrs,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  if (podNodeName(pod) !== node) return admissionForbidden(attrs, 'node requested token bound to a pod scheduled on a different node');
  return undefined;
}

function admitLease(node: string, attrs: Attributes): AdmissionVerdict {
  if (attrs.namespace !== NODE_LEASE_NAMESPACE) return admissionForbidden(attrs, `can only access leases in the ${q(NODE_LEASE_NAMESPACE)} system namespace`);
  // On create the URL names nothing; the Lease's own name is what must match.
  const name = attrs.operation === 'CREATE' ? attrs.object?.metadata.name : attrs.name;
  if (name !== node) return admissionForbidden(attrs, 'can only access node lease with the same name as the requesting node');
  return undefined;
}

function admitCSR(node: string, attrs: Attributes): AdmissionVerdict {
  if (attrs.operation !== 'CREATE' || !attrs.object) return undefined;
  const signer = (attrs.object.spec as { signerName?: string } | undefined)?.signerName ?? '';
  if (!KUBELET_SIGNERS.has(signer)) return undefined;
  const subject = csrSubject(attrs.object);
  if (subject.kind === 'invalid') return admissionForbidden(attrs, `unable to parse csr: ${subject.reason}`);
  if (subject.commonName !== `system:node:${node}`) return admissionForbidden(attrs, `can only create a node CSR with CN=system:node:${node}`);
  return undefined;
}
