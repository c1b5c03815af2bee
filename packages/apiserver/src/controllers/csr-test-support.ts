// Helpers for the CSR controller tests: a store with Kubernetes' default RBAC policy and the Node,RBAC
// authorizer over it, CSR objects as the apiserver stores them, and a human's `kubectl certificate approve`.
import type { KubeObject } from '@hubspoke/api';
import {
  defaultClusterRoleBindings,
  defaultClusterRoles,
  nodeAuthorizer,
  rbacAuthorizer,
  unionAuthorizer,
  type Authorizer,
  type ObjectSource,
  type UserInfo,
} from '@hubspoke/auth';
import { MemoryStorage } from '../storage/memory.ts';
import { KEYS } from './context.ts';
import type { CsrCondition } from './csr-objects.ts';

/** A bootstrap-token user as the apiserver authenticates one. */
export const BOOTSTRAP_USER: UserInfo = { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] };

/** A node user as its client certificate authenticates it. */
export const nodeUser = (node: string): UserInfo => ({ name: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] });

/** A store holding the default ClusterRoles and bindings, and `--authorization-mode=Node,RBAC` over it. */
export async function rbacCluster(): Promise<{ storage: MemoryStorage; authorizer: Authorizer }> {
  const storage = new MemoryStorage();
  for (const role of defaultClusterRoles()) await storage.create(KEYS.clusterRoles, role);
  for (const binding of defaultClusterRoleBindings()) await storage.create(KEYS.clusterRoleBindings, binding);
  const source: ObjectSource = {
    get: (resource, namespace, name) => storage.peek(resource, namespace, name),
    list: (resource, namespace) => storage.peekList(resource, namespace),
  };
  return { storage, authorizer: unionAuthorizer([nodeAuthorizer(source), rbacAuthorizer(source)]) };
}

/** kubeadm's bindings: bootstrappers may get node client certificates approved, nodes may renew their own. */
export async function bindKubeadmAutoApproval(storage: MemoryStorage, which: 'bootstrap' | 'rotation'): Promise<void> {
  const [name, group, role] =
    which === 'bootstrap'
      ? ['kubeadm:node-autoapprove-bootstrap', 'system:bootstrappers', 'nodeclient']
      : ['kubeadm:node-autoapprove-certificate-rotation', 'system:nodes', 'selfnodeclient'];
  await storage.create(KEYS.clusterRoleBindings, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `system:certificates.k8s.io:certificatesigningrequests:${role}` },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
  });
}

/** What a CSR object is made of. */
export interface CsrSpec {
  name: string;
  requestPem: string;
  signerName: string;
  usages: string[];
  requester: UserInfo;
  expirationSeconds?: number;
}

/** A CSR as the REST layer stores it: request base64-encoded, requester fields filled in. */
export function csrObject(spec: CsrSpec): KubeObject {
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name: spec.name, uid: `uid-${spec.name}` },
    spec: {
      request: Buffer.from(spec.requestPem).toString('base64'),
      signerName: spec.signerName,
      usages: spec.usages,
      username: spec.requester.name,
      groups: spec.requester.groups,
      ...(spec.requester.uid ? { uid: spec.requester.uid } : {}),
      ...(spec.expirationSeconds !== undefined ? { expirationSeconds: spec.expirationSeconds } : {}),
    },
    status: {},
  };
}

/** `kubectl certificate approve`: the Approved condition kubectl adds. */
export async function approveByHand(storage: MemoryStorage, name: string): Promise<void> {
  await storage.update(KEYS.certificateSigningRequests, undefined, name, (csr) => {
    const status = (csr.status ?? {}) as { conditions?: CsrCondition[] };
    const approved: CsrCondition = {
      type: 'Approved',
      status: 'True',
      reason: 'KubectlApprove',
      message: 'This CSR was approved by kubectl certificate approve.',
    };
    return { ...csr, status: { ...status, conditions: [...(status.conditions ?? []), approved] } };
  });
}

/** The stored CSR's conditions. */
export function conditionsOf(storage: MemoryStorage, name: string): CsrCondition[] {
  const status = storage.peek(KEYS.certificateSigningRequests, undefined, name)?.status as { conditions?: CsrCondition[] } | undefined;
  return status?.conditions ?? [];
}

/** The issued certificate (PEM), if any. */
export function certificateOf(storage: MemoryStorage, name: string): string | undefined {
  const status = storage.peek(KEYS.certificateSigningRequests, undefined, name)?.status as { certificate?: string } | undefined;
  return status?.certificate ? Buffer.from(status.certificate, 'base64').toString('utf8') : undefined;
}
