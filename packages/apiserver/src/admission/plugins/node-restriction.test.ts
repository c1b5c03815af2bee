import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { createCsr } from '@hubspoke/pki';
import type { Attributes } from '../attributes.ts';
import { alice, attributes, contextOf, nodeUser, verdict } from '../test-support.ts';
import { nodeRestriction } from './node-restriction.ts';

const node1 = nodeUser('node-1');
const NODES = { group: '', version: 'v1', resource: 'nodes' };
const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
const CSRS = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' };
const SERVICE_ACCOUNTS = { group: '', version: 'v1', resource: 'serviceaccounts' };

const pod = (name: string, nodeName: string): KubeObject => ({ metadata: { name, namespace: 'team', uid: `${name}-uid`, labels: { app: name } }, spec: { nodeName } });
const ctx = contextOf({
  'pods/team/web-1': pod('web-1', 'node-1'),
  'pods/team/db-2': pod('db-2', 'node-2'),
  'nodes//node-1': { metadata: { name: 'node-1', uid: 'node-1-uid' } },
});
const admit = (attrs: Attributes) => verdict(nodeRestriction.admit!(attrs, ctx));
const as = (over: Partial<Attributes> & Pick<Attributes, 'operation'>) => attributes({ user: node1, ...over });

describe('NodeRestriction', () => {
  it('has nothing to say about users that are not nodes, and refuses a node it cannot name', async () => {
    expect(await admit(attributes({ operation: 'DELETE', namespace: 'team', name: 'db-2', user: alice }))).toBeUndefined();
    const nameless = { name: 'system:node:', groups: ['system:nodes'] };
    expect(await admit(attributes({ operation: 'DELETE', namespace: 'team', name: 'db-2', user: nameless }))).toEqual({
      code: 403,
      message: 'pods "db-2" is forbidden: could not determine node from user "system:node:"',
    });
  });

  describe('Nodes', () => {
    const node = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({ metadata: { name, ...extra.metadata }, spec: extra.spec ?? {} });
    const update = (before: KubeObject, after: KubeObject, subresource = '') =>
      as({ operation: 'UPDATE', resource: NODES, name: before.metadata.name!, subresource, object: after, oldObject: before });

    it('lets a node create and update only its own Node', async () => {
      expect(await admit(as({ operation: 'CREATE', resource: NODES, name: 'node-1', object: node('node-1') }))).toBeUndefined();
      expect(await admit(update(node('node-1'), node('node-1', { metadata: { labels: { mine: 'x' } } })))).toBeUndefined();
      expect(await admit(as({ operation: 'CREATE', resource: NODES, name: 'node-2', object: node('node-2') }))).toEqual({
        code: 403,
        message: 'nodes "node-2" is forbidden: node "node-1" is not allowed to modify node "node-2"',
      });
      expect(await admit(update(node('node-2'), node('node-2'), 'status'))).toEqual({
        code: 403,
        message: 'nodes "node-2" is forbidden: node "node-1" is not allowed to modify node "node-2"',
      });
    });

    it('refuses restricted and unknown kubernetes.io labels but allows kubelet ones', async () => {
      const labels = {
        'kubernetes.io/hostname': 'node-1',
        'topology.kubernetes.io/zone': 'a',
        'node.kubernetes.io/exclude-from-external-load-balancers': '',
        'example.com/team': 'x',
      };
      expect(await admit(as({ operation: 'CREATE', resource: NODES, name: 'node-1', object: node('node-1', { metadata: { labels } }) }))).toBeUndefined();
      const bad = { ...labels, 'node-restriction.kubernetes.io/secure': 'true', 'node-role.kubernetes.io/control-plane': '' };
      expect(await admit(as({ operation: 'CREATE', resource: NODES, name: 'node-1', object: node('node-1', { metadata: { labels: bad } }) }))).toEqual({
        code: 403,
        message:
          'nodes "node-1" is forbidden: node "node-1" is not allowed to set the following labels: node-restriction.kubernetes.io/secure, node-role.kubernetes.io/control-plane',
      });
      const before = node('node-1', { metadata: { labels: { 'node-role.kubernetes.io/worker': '', 'foo.k8s.io/bar': 'a' } } });
      const after = node('node-1', { metadata: { labels: { 'foo.k8s.io/bar': 'b' } } });
      expect(await admit(update(before, after))).toEqual({
        code: 403,
        message: 'nodes "node-1" is forbidden: is not allowed to modify labels: foo.k8s.io/bar, node-role.kubernetes.io/worker',
      });
    });

    it('allows taints on registration but refuses changing them on update, and refuses a config source', async () => {
      const tainted = node('node-1', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } });
      expect(await admit(as({ operation: 'CREATE', resource: NODES, name: 'node-1', object: tainted }))).toBeUndefined();
      expect(await admit(update(tainted, node('node-1')))).toEqual({ code: 403, message: 'nodes "node-1" is forbidden: node "node-1" is not allowed to modify taints' });
      expect(await admit(update(node('node-1', { spec: { taints: [] } }), node('node-1')))).toBeUndefined();
      const configured = node('node-1', { spec: { configSource: { configMap: { name: 'c' } } } });
      expect(await admit(as({ operation: 'CREATE', resource: NODES, name: 'node-1', object: configured }))).toEqual({
        code: 403,
        message: 'nodes "node-1" is forbidden: node "node-1" is not allowed to create pods with a non-nil configSource',
      });
      expect((await admit(update(node('node-1'), configured)))?.message).toBe(
        'nodes "node-1" is forbidden: node "node-1" is not allowed to update configSource to a new non-nil configSource',
      );
    });
  });

  describe('Pods', () => {
    const mirror = (over: Partial<KubeObject['metadata']> = {}, spec: Record<string, unknown> = {}): KubeObject => ({
      metadata: {
        name: 'static-web-node-1',
        namespace: 'team',
        annotations: { 'kubernetes.io/config.mirror': 'hash' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'node-1-uid', controller: true }],
        ...over,
      },
      spec: { nodeName: 'node-1', containers: [{ name: 'c' }], ...spec },
    });
    const create = (object: KubeObject) => admit(as({ operation: 'CREATE', namespace: 'team', name: object.metadata.name ?? '', object }));

    it('lets a node create only mirror pods bound to and owned by itself, referencing nothing', async () => {
      expect(await create(mirror())).toBeUndefined();
      const refusals = [
        await create({ metadata: { name: 'web', namespace: 'team' }, spec: { nodeName: 'node-1' } }),
        await create(mirror({}, { nodeName: 'node-2' })),
        await create(mirror({ ownerReferences: [] })),
        await create(mirror({ ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'node-1-uid' }] })),
        await create(mirror({ ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'stale', controller: true }] })),
        await create(mirror({}, { serviceAccountName: 'default' })),
        await create(mirror({}, { volumes: [{ name: 'c', configMap: { name: 'conf' } }] })),
        await create(mirror({}, { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] })),
      ];
      expect(refusals.map((r) => r?.message.replace(/^pods "[^"]*" is forbidden: /, ''))).toEqual([
        'pod does not have "kubernetes.io/config.mirror" annotation, node "node-1" can only create mirror pods',
        'node "node-1" can only create pods with spec.nodeName set to itself',
        'node "node-1" can only create pods with an owner reference set to itself',
        'node "node-1" can only create pods with a controller owner reference set to itself',
        'node node-1 UID mismatch: expected stale got node-1-uid',
        'node "node-1" can not create pods that reference a service account',
        'node "node-1" can not create pods that reference configmaps',
        'node "node-1" can not create pods that reference persistentvolumeclaims',
      ]);
    });

    it('lets a node delete only pods bound to itself', async () => {
      expect(await admit(as({ operation: 'DELETE', namespace: 'team', name: 'web-1' }))).toBeUndefined();
      expect(await admit(as({ operation: 'DELETE', namespace: 'team', name: 'db-2' }))).toEqual({
        code: 403,
        message: 'pods "db-2" is forbidden: node "node-1" can only delete pods with spec.nodeName set to itself',
      });
      expect(await admit(as({ operation: 'DELETE', namespace: 'team', name: 'gone' }))).toEqual({ code: 404, message: 'pods "gone" not found' });
      expect(await admit(as({ operation: 'UPDATE', namespace: 'team', name: 'web-1', object: pod('web-1', 'node-1'), oldObject: pod('web-1', 'node-1') }))).toEqual({
        code: 403,
        message: 'pods "web-1" is forbidden: unexpected operation "UPDATE", node "node-1" can only create and delete mirror pods',
      });
    });

    it('lets a node update the status of its own pods, without relabelling them', async () => {
      const status = (before: KubeObject, after: KubeObject) =>
        admit(as({ operation: 'UPDATE', namespace: 'team', name: before.metadata.name!, subresource: 'status', object: after, oldObject: before }));
      const running = { ...pod('web-1', 'node-1'), status: { phase: 'Running' } };
      expect(await status(pod('web-1', 'node-1'), running)).toBeUndefined();
      expect(await status(pod('db-2', 'node-2'), pod('db-2', 'node-2'))).toEqual({
        code: 403,
        message: 'pods "db-2" is forbidden: node "node-1" can only update pod status for pods with spec.nodeName set to itself',
      });
      const relabelled = { ...running, metadata: { ...running.metadata, labels: { app: 'other' } } };
      expect((await status(pod('web-1', 'node-1'), relabelled))?.message).toBe('pods "web-1" is forbidden: node "node-1" cannot update labels through pod status');
    });

    it('lets a node evict only its own pods, and refuses any other pod subresource', async () => {
      const evict = (name: string) => admit(as({ operation: 'CREATE', namespace: 'team', name, subresource: 'eviction', object: { metadata: { name } } }));
      expect(await evict('web-1')).toBeUndefined();
      expect(await evict('db-2')).toEqual({ code: 403, message: 'pods "db-2" is forbidden: node node-1 can only evict pods with spec.nodeName set to itself' });
      expect(await admit(as({ operation: 'CREATE', namespace: 'team', name: 'db-2', subresource: 'binding', object: { metadata: { name: 'db-2' } } }))).toEqual({
        code: 403,
        message: `pods "db-2" is forbidden: unexpected pod subresource "binding", only 'status' and 'eviction' are allowed`,
      });
    });
  });

  describe('Leases and tokens', () => {
    it('keeps a node to its own Lease in kube-node-lease', async () => {
      const lease = (over: Partial<Attributes> & Pick<Attributes, 'operation'>) => admit(as({ resource: LEASES, namespace: 'kube-node-lease', ...over }));
      expect(await lease({ operation: 'CREATE', object: { metadata: { name: 'node-1' } } })).toBeUndefined();
      expect(await lease({ operation: 'UPDATE', name: 'node-1', object: { metadata: { name: 'node-1' } } })).toBeUndefined();
      expect(await lease({ operation: 'CREATE', object: { metadata: { name: 'node-2' } } })).toEqual({
        code: 403,
        message: 'leases.coordination.k8s.io "node-2" is forbidden: can only access node lease with the same name as the requesting node',
      });
      expect((await lease({ operation: 'UPDATE', name: 'node-1', namespace: 'default' }))?.message).toBe(
        'leases.coordination.k8s.io "node-1" is forbidden: can only access leases in the "kube-node-lease" system namespace',
      );
    });

    it('issues a node only tokens bound to pods scheduled on it', async () => {
      const token = (ref: Record<string, string> | undefined) =>
        admit(as({ operation: 'CREATE', resource: SERVICE_ACCOUNTS, subresource: 'token', namespace: 'team', name: 'web', object: { metadata: {}, spec: { boundObjectRef: ref } } }));
      expect(await token({ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'web-1-uid' })).toBeUndefined();
      const refusals = [
        await token(undefined),
        await token({ apiVersion: 'v1', kind: 'Secret', name: 's', uid: 'u' }),
        await token({ apiVersion: 'v1', kind: 'Pod', name: 'web-1' }),
        await token({ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'old' }),
        await token({ apiVersion: 'v1', kind: 'Pod', name: 'db-2', uid: 'db-2-uid' }),
      ];
      expect(refusals.map((r) => r?.message)).toEqual([
        'serviceaccounts "web" is forbidden: node requested token not bound to a pod',
        'serviceaccounts "web" is forbidden: node requested token not bound to a pod',
        'serviceaccounts "web" is forbidden: node requested token with a pod binding without a uid',
        'serviceaccounts "web" is forbidden: the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated',
        'serviceaccounts "web" is forbidden: node requested token bound to a pod scheduled on a different node',
      ]);
      expect(await token({ apiVersion: 'v1', kind: 'Pod', name: 'gone', uid: 'u' })).toEqual({ code: 404, message: 'pods "gone" not found' });
    });
  });

  describe('CertificateSigningRequests', () => {
    const requests: Record<string, string> = {};
    beforeAll(async () => {
      for (const cn of ['system:node:node-1', 'system:node:node-2', 'someone']) requests[cn] = Buffer.from((await createCsr({ commonName: cn, organizations: ['system:nodes'] })).csr).toString('base64');
    });
    const csr = (signerName: string, cn: string) =>
      admit(as({ operation: 'CREATE', resource: CSRS, object: { metadata: { name: 'csr-1' }, spec: { signerName, request: requests[cn] ?? cn, usages: ['client auth'] } } }));

    it('lets a node ask the kubelet signers only for certificates in its own name', async () => {
      expect(await csr('kubernetes.io/kube-apiserver-client-kubelet', 'system:node:node-1')).toBeUndefined();
      expect(await csr('kubernetes.io/kubelet-serving', 'system:node:node-2')).toEqual({
        code: 403,
        message: 'certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: can only create a node CSR with CN=system:node:node-1',
      });
      expect((await csr('kubernetes.io/kube-apiserver-client-kubelet', 'someone'))?.message).toBe(
        'certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: can only create a node CSR with CN=system:node:node-1',
      );
      expect((await csr('kubernetes.io/kubelet-serving', Buffer.from('not pem').toString('base64')))?.message).toBe(
        'certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: unable to parse csr: PEM block type must be CERTIFICATE REQUEST',
      );
      // Other signers are the signer's business.
      expect(await csr('example.com/anything', 'system:node:node-2')).toBeUndefined();
    });
  });
});
