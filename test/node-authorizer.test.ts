// What a kubelet's own credentials let it do, with the real kubectl 1.32 and node-1's kubeconfig
// (system:node:node-1, O=system:nodes): the Node authorizer lets it read only what the pods bound to it
// reference, and the NodeRestriction admission plugin narrows the writes the authorizer allows any node (its
// Node, pod status, pod deletion, ServiceAccount tokens) to node-1's own objects. `kubectl auth can-i` as the
// admin impersonating node-1 gives the authorizer's half of the same answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startCluster, type Cluster } from '@hubspoke/lab';
import type { KubeObject } from '@hubspoke/api';
import { kubectl, type KubectlResult } from './support/kubectl.ts';

let cluster: Cluster;
// node-2's objects as they were before node-1 tried anything; the last test compares against them.
const before: Record<string, KubeObject> = {};

const NS = '/api/v1/namespaces/default';
const AS_NODE_1 = ['--as=system:node:node-1', '--as-group=system:nodes'];

async function createPod(name: string, node: string, secret: string, configMap: string): Promise<void> {
  await cluster.admin.create(`${NS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: {
      // Bound directly, so the Node authorizer's graph links the node to the pod and what the pod references.
      nodeName: node,
      containers: [{
        name: 'app',
        image: 'hubspoke/logger',
        env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: secret, key: 'password' } } }],
        envFrom: [{ configMapRef: { name: configMap } }],
      }],
    },
  });
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  for (const [secret, configMap, value] of [['node1-secret', 'node1-config', 'one'], ['node2-secret', 'node2-config', 'two']]) {
    await cluster.admin.create(`${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: secret }, stringData: { password: value } });
    await cluster.admin.create(`${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: configMap }, data: { GREETING: value } });
  }
  await createPod('on-node-1', 'node-1', 'node1-secret', 'node1-config');
  await createPod('on-node-2', 'node-2', 'node2-secret', 'node2-config');
  before['node'] = await cluster.admin.get('/api/v1/nodes/node-2');
  before['pod'] = await cluster.admin.get(`${NS}/pods/on-node-2`);
  before['secret'] = await cluster.admin.get(`${NS}/secrets/node2-secret`);
  before['configmap'] = await cluster.admin.get(`${NS}/configmaps/node2-config`);
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

/** kubectl with node-1's own kubeconfig: its client certificate, no impersonation. */
const node1 = (args: string[], input?: KubeObject) =>
  kubectl(args, { kubeconfig: cluster.paths.nodes['node-1'].kubeconfig, version: '1.32', input: input && JSON.stringify(input) });
const admin = (args: string[]) => kubectl(args, { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
/** The admin asking the authorizers about node-1 (`auth can-i` sends a SelfSubjectAccessReview as node-1). */
const canI = (args: string[]) => admin(['auth', 'can-i', ...args, ...AS_NODE_1]);

/** The error kubectl printed last, after any warnings. */
const lastError = (r: KubectlResult) => r.stderr.trim().split('\n').pop();

/** A refusal as kubectl prints it (`kubectl create token` words it its own way). */
function expectRefused(r: KubectlResult, message: string, prefix = 'Error from server (Forbidden): '): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(lastError(r)).toBe(`${prefix}${message}`);
}

const TOKEN_REFUSED = 'error: failed to create token: ';
const PATCHED = 'hubspoke.test/Patched';
type Conditions = { conditions?: { type: string }[] };
const conditionTypes = (pod: KubeObject) => ((pod.status as Conditions | undefined)?.conditions ?? []).map((c) => c.type);

/** `obj` as a PUT body without a resourceVersion, so the write is unconditional and kubectl need not read first. */
function unconditional(obj: KubeObject): KubeObject {
  const { resourceVersion: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function withLabel(node: KubeObject, key: string, value: string): KubeObject {
  const copy = unconditional(node);
  return { ...copy, metadata: { ...copy.metadata, labels: { ...copy.metadata.labels, [key]: value } } };
}

function withCondition(pod: KubeObject): KubeObject {
  const copy = unconditional(pod);
  const status = (copy.status ?? {}) as Conditions;
  return { ...copy, status: { ...status, conditions: [...(status.conditions ?? []), { type: PATCHED, status: 'True' }] } };
}

const podUid = async (name: string) => (await cluster.admin.get(`${NS}/pods/${name}`)).metadata.uid!;

describe("node-1's own credentials against the Node authorizer and NodeRestriction", () => {
  it('is node-1 as far as the apiserver is concerned', async () => {
    const r = await node1(['auth', 'whoami', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).status.userInfo).toEqual({ username: 'system:node:node-1', groups: ['system:nodes', 'system:authenticated'] });
  });

  it('reads the secret and the configmap its own pod references', async () => {
    const secret = await node1(['get', 'secret', 'node1-secret', '-o', 'jsonpath={.data.password}']);
    expect(secret.stderr).toBe('');
    expect(Buffer.from(secret.stdout, 'base64').toString()).toBe('one');
    const configMap = await node1(['get', 'configmap', 'node1-config', '-o', 'jsonpath={.data.GREETING}']);
    expect(configMap.stderr).toBe('');
    expect(configMap.stdout).toBe('one');
  });

  it("is refused node-2's secret and configmap with the Node authorizer's reason", async () => {
    expectRefused(
      await node1(['get', 'secret', 'node2-secret']),
      `secrets "node2-secret" is forbidden: User "system:node:node-1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node 'node-1' and this object`,
    );
    expectRefused(
      await node1(['get', 'configmap', 'node2-config']),
      `configmaps "node2-config" is forbidden: User "system:node:node-1" cannot get resource "configmaps" in API group "" in the namespace "default": no relationship found between node 'node-1' and this object`,
    );
  });

  it('cannot list secrets, not even to find the ones it may read', async () => {
    expectRefused(
      await node1(['get', 'secrets']),
      `secrets is forbidden: User "system:node:node-1" cannot list resource "secrets" in API group "" in the namespace "default": No Object name found`,
    );
  });

  it('lists only the pods bound to it, by field selector (AuthorizeNodeWithSelectors, on in 1.32)', async () => {
    const own = await node1(['get', 'pods', '-A', '--field-selector=spec.nodeName=node-1', '-o', 'name']);
    expect(own.stderr).toBe('');
    expect(own.stdout).toContain('pod/on-node-1');
    expect(own.stdout).not.toContain('on-node-2');
    const reason = 'can only list/watch pods with spec.nodeName field selector';
    expectRefused(
      await node1(['get', '--raw', '/api/v1/pods']),
      `pods is forbidden: User "system:node:node-1" cannot list resource "pods" in API group "" at the cluster scope: ${reason}`,
    );
    expectRefused(
      await node1(['get', '--raw', '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-2']),
      `pods is forbidden: User "system:node:node-1" cannot list resource "pods" in API group "" at the cluster scope: ${reason}`,
    );
  });

  it('labels its own Node', async () => {
    const r = await node1(['label', 'node', 'node-1', 'x=y']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('node/node-1 labeled');
    expect((await cluster.admin.get('/api/v1/nodes/node-1')).metadata.labels?.['x']).toBe('y');
  });

  it('may not give its own Node a label that would steer workloads to it', async () => {
    expectRefused(
      await node1(['label', 'node', 'node-1', 'node-role.kubernetes.io/control-plane=']),
      'nodes "node-1" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/control-plane',
    );
  });

  it('cannot label node-2: kubectl reads the Node first, which the Node authorizer refuses', async () => {
    // kubectl label and kubectl patch GET the object before they PATCH it, and a node may read only its own Node.
    for (const args of [['label', 'node', 'node-2', 'x=y'], ['patch', 'node', 'node-2', '--type=merge', '-p', '{"metadata":{"labels":{"x":"y"}}}']]) {
      expectRefused(
        await node1(args),
        `nodes "node-2" is forbidden: User "system:node:node-1" cannot get resource "nodes" in API group "" at the cluster scope: node 'node-1' cannot read 'node-2', only its own Node object`,
      );
    }
  });

  it("cannot write node-2's Node even without reading it: NodeRestriction refuses the PUT itself", async () => {
    // The authorizer allows any node to update any Node (it sees the URL only); admission checks whose it is.
    const node = await cluster.admin.get('/api/v1/nodes/node-2');
    expectRefused(
      await node1(['replace', '--raw', '/api/v1/nodes/node-2', '-f', '-'], withLabel(node, 'x', 'y')),
      'nodes "node-2" is forbidden: node "node-1" is not allowed to modify node "node-2"',
    );
  });

  it("writes the status of its own pod and not of node-2's", async () => {
    // kubectl patch --subresource=status would GET pods/status first, which no node may (it is not in the Node
    // authorizer's rules, as in Kubernetes): the kubelet writes status without reading it, and so does this PUT.
    expect((await node1(['patch', 'pod', 'on-node-1', '--subresource=status', '-p', '{}'])).stderr.trim()).toBe(
      'Error from server (Forbidden): pods "on-node-1" is forbidden: User "system:node:node-1" cannot get resource "pods/status" in API group "" in the namespace "default"',
    );
    const own = await node1(['replace', '--raw', `${NS}/pods/on-node-1/status`, '-f', '-'], withCondition(await cluster.admin.get(`${NS}/pods/on-node-1`)));
    expect(own.stderr).toBe('');
    expect(conditionTypes(JSON.parse(own.stdout))).toContain(PATCHED);
    expectRefused(
      await node1(['replace', '--raw', `${NS}/pods/on-node-2/status`, '-f', '-'], withCondition(await cluster.admin.get(`${NS}/pods/on-node-2`))),
      'pods "on-node-2" is forbidden: node "node-1" can only update pod status for pods with spec.nodeName set to itself',
    );
  });

  it("cannot delete node-2's pod", async () => {
    expectRefused(
      await node1(['delete', 'pod', 'on-node-2', '--wait=false']),
      'pods "on-node-2" is forbidden: node "node-1" can only delete pods with spec.nodeName set to itself',
    );
  });

  it("creates a token for its pod's ServiceAccount bound to its own pod, bound to node-1 as well", async () => {
    const uid = await podUid('on-node-1');
    const r = await node1(['create', 'token', 'default', '--bound-object-kind=Pod', '--bound-object-name=on-node-1', `--bound-object-uid=${uid}`]);
    expect(r.stderr).toBe('');
    const claims = decodeJwt(r.stdout.trim()) as { sub?: string; 'kubernetes.io'?: { pod?: { name: string; uid: string }; node?: { name: string } } };
    expect(claims.sub).toBe('system:serviceaccount:default:default');
    expect(claims['kubernetes.io']?.pod).toEqual({ name: 'on-node-1', uid });
    // The apiserver adds the Node binding itself, so a node never has to (and cannot) name a Node of its choice.
    expect(claims['kubernetes.io']?.node?.name).toBe('node-1');
  });

  it("may not create a token bound to node-2's pod, nor one with a pod binding it cannot check", async () => {
    const uid = await podUid('on-node-2');
    expectRefused(
      await node1(['create', 'token', 'default', '--bound-object-kind=Pod', '--bound-object-name=on-node-2', `--bound-object-uid=${uid}`]),
      'serviceaccounts "default" is forbidden: node requested token bound to a pod scheduled on a different node',
      TOKEN_REFUSED,
    );
    // Without a uid the binding could outlive the pod it names, so NodeRestriction wants one.
    expectRefused(
      await node1(['create', 'token', 'default', '--bound-object-kind=Pod', '--bound-object-name=on-node-1']),
      'serviceaccounts "default" is forbidden: node requested token with a pod binding without a uid',
      TOKEN_REFUSED,
    );
    expectRefused(
      await node1(['create', 'token', 'default']),
      'serviceaccounts "default" is forbidden: node requested token not bound to a pod',
      TOKEN_REFUSED,
    );
  });
});

describe('kubectl auth can-i as node-1 (impersonated by the admin)', () => {
  const answer = async (args: string[]) => {
    const r = await canI(args);
    expect(r.code).toBe(r.stdout.startsWith('yes') ? 0 : 1);
    return r.stdout.trim();
  };

  it('agrees with the reads: its pod’s secret and configmap yes, node-2’s no, listing no', async () => {
    expect(await answer(['get', 'secret/node1-secret'])).toBe('yes');
    expect(await answer(['get', 'configmap/node1-config'])).toBe('yes');
    expect(await answer(['get', 'secret/node2-secret'])).toBe("no - no relationship found between node 'node-1' and this object");
    expect(await answer(['get', 'configmap/node2-config'])).toBe("no - no relationship found between node 'node-1' and this object");
    expect(await answer(['list', 'secrets'])).toBe('no - No Object name found');
    expect(await answer(['get', 'node/node-1'])).toBe('yes');
    expect(await answer(['get', 'node/node-2'])).toBe("no - node 'node-1' cannot read 'node-2', only its own Node object");
  });

  it('says yes to the writes NodeRestriction then refuses for node-2’s objects', async () => {
    // Not a disagreement: a SubjectAccessReview asks only the authorizers, which see the URL and never the body
    // or the stored object, so they allow these to any node; NodeRestriction, an admission plugin, is what
    // checks whose Node or pod it is. Kubernetes answers the same (the writes above were refused with 403s).
    expect(await answer(['patch', 'node/node-2'])).toBe('yes');
    expect(await answer(['patch', 'pods/on-node-2', '--subresource=status'])).toBe('yes');
    expect(await answer(['delete', 'pod/on-node-2'])).toBe('yes');
    expect(await answer(['create', 'serviceaccount/default', '--subresource=token'])).toBe('yes');
    // Not a blanket yes either: no node may delete a Node, or read pod status (so kubectl patch, which reads first,
    // cannot write a pod's status as a node).
    expect(await answer(['delete', 'node/node-2'])).toBe('no');
    expect(await answer(['get', 'pods/on-node-1', '--subresource=status'])).toBe('no');
  });
});

describe("node-2's objects afterwards", () => {
  it('are as they were before node-1 tried', async () => {
    const node = await cluster.admin.get('/api/v1/nodes/node-2');
    expect(node.metadata.labels).toEqual(before['node'].metadata.labels);
    expect(node.metadata.uid).toBe(before['node'].metadata.uid);
    const pod = await cluster.admin.get(`${NS}/pods/on-node-2`);
    expect(pod.metadata.uid).toBe(before['pod'].metadata.uid);
    expect(pod.metadata.deletionTimestamp).toBeUndefined();
    expect(conditionTypes(pod)).not.toContain(PATCHED);
    for (const [kind, path] of [['secret', `${NS}/secrets/node2-secret`], ['configmap', `${NS}/configmaps/node2-config`]]) {
      expect((await cluster.admin.get(path)).metadata.resourceVersion).toBe(before[kind].metadata.resourceVersion);
    }
  });
});
