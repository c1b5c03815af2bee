// Impersonation as kubectl uses it: --as, --as-group and --as-uid become Impersonate-* headers, the apiserver
// authorizes them for the real user and then answers as the impersonated one (here: a node, judged by the
// Node authorizer, and a plain user), or refuses with Kubernetes' Forbidden text.
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '@hubspoke/lab';
import { kubectl } from './support/kubectl.ts';

let cluster: Cluster;
const ALICE = 'alice-token-impersonation-aaaa';
const NODE = ['--as=system:node:node-1', '--as-group=system:nodes'];

beforeAll(async () => {
  cluster = await startCluster({
    nodes: 2,
    tokens: [{ token: ALICE, user: 'alice', uid: '1001', groups: ['developers'] }],
  });
  await cluster.admin.create('/api/v1/namespaces/default/secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-password' },
    stringData: { password: 'hunter2' },
  });
  // Bound to node-1 directly, so the Node authorizer's graph links node-1 → pod → secret.
  await cluster.admin.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'uses-secret' },
    spec: {
      nodeName: 'node-1',
      containers: [{
        name: 'app',
        image: 'hubspoke/logger',
        env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db-password', key: 'password' } } }],
      }],
    },
  });
});

afterAll(async () => {
  await cluster?.close();
});

const admin = (args: string[]) => kubectl(args, { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
const alice = (args: string[]) => kubectl(args, { kubeconfig: cluster.tokenKubeconfigs['alice'], version: '1.32' });

// A GET as the admin with headers kubectl refuses to send (it checks --as-group without --as itself).
function getAsAdmin(path: string, headers: Record<string, string | string[]>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, cluster.server), { ca: cluster.pki.ca.cert, ...cluster.pki.admin, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('impersonation with kubectl --as', () => {
  it('shows the impersonated user and groups in auth whoami, with system:authenticated added', async () => {
    const r = await admin(['auth', 'whoami', '-o', 'json', '--as=bob', '--as-group=devs']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).status.userInfo).toEqual({ username: 'bob', groups: ['devs', 'system:authenticated'] });
  });

  it('carries --as-uid through to the impersonated user', async () => {
    const r = await admin(['auth', 'whoami', '-o', 'json', '--as=bob', '--as-uid=u-42']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).status.userInfo).toEqual({ username: 'bob', uid: 'u-42', groups: ['system:authenticated'] });
  });

  it('answers auth can-i for a node from the Node authorizer: no for an arbitrary secret', async () => {
    const r = await admin(['auth', 'can-i', 'get', 'secrets', ...NODE]);
    expect(r.stdout.trim()).toMatch(/^no\b/);
    expect(r.code).toBe(1);
    // The admin itself may, so the answer really is about the impersonated node.
    expect((await admin(['auth', 'can-i', 'get', 'secrets'])).stdout.trim()).toBe('yes');
  });

  it('lets node-1 read the secret its pod references, and not node-2', async () => {
    const node1 = await admin(['auth', 'can-i', 'get', 'secret/db-password', ...NODE]);
    expect(node1.stdout.trim()).toBe('yes');
    const node2 = await admin(['auth', 'can-i', 'get', 'secret/db-password', '--as=system:node:node-2', '--as-group=system:nodes']);
    expect(node2.stdout.trim()).toBe("no - no relationship found between node 'node-2' and this object");
    expect(node2.code).toBe(1);
  });

  it('refuses a user without the impersonate permission with Kubernetes’ Forbidden text', async () => {
    // --raw skips discovery, so kubectl prints the Status message itself.
    const r = await alice(['get', '--raw', '/api/v1/namespaces/default/pods', '--as=bob']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toBe(
      'Error from server (Forbidden): users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    // With discovery first, kubectl 1.32 loses the message, as it does against a real apiserver.
    const get = await alice(['get', 'pods', '--as=bob']);
    expect(get.code).toBe(1);
    expect(get.stderr.trim().split('\n').pop()).toBe('Error from server (Forbidden): unknown');
    // Without --as the same user authenticates fine.
    expect(JSON.parse((await alice(['auth', 'whoami', '-o', 'json'])).stdout).status.userInfo.username).toBe('alice');
  });

  it('refuses groups without a user with 400 and the requests as Kubernetes prints them', async () => {
    // kubectl checks this itself, so speak HTTPS directly; the repeated header arrives as two values.
    const r = await getAsAdmin('/api/v1/namespaces/default/pods', { 'Impersonate-Group': ['devs', 'ops'] });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'requested [{Group  devs    } {Group  ops    }] without impersonating a user',
    });
  });
});
