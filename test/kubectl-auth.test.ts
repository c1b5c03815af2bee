// Authentication and authorization as kubectl sees them: client certificates, static tokens,
// ServiceAccount tokens from `kubectl create token`, `auth whoami`, `auth can-i`, and RBAC's Forbidden text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '@hubspoke/lab';
import { kubectl, type KubectlVersion } from './support/kubectl.ts';

let cluster: Cluster;
const ALICE = 'alice-token-aaaaaaaaaaaaaaaa';
const BOB = 'bob-token-bbbbbbbbbbbbbbbbbbbb';

beforeAll(async () => {
  cluster = await startCluster({
    nodes: 1,
    tokens: [
      { token: ALICE, user: 'alice', uid: '1001', groups: ['developers'] },
      { token: BOB, user: 'bob', uid: '1002', groups: ['viewers'] },
    ],
    users: [{ name: 'carol', groups: ['auditors', 'viewers'] }],
  });
  await cluster.admin.create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'viewers' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'viewers' }],
  });
});

afterAll(async () => {
  await cluster?.close();
});

const admin = (args: string[], version: KubectlVersion = '1.32') => kubectl(args, { kubeconfig: cluster.adminKubeconfig, version });
// Token users get kubeconfigs without a client certificate: with both, x509 wins, as in Kubernetes.
const asUser = (user: string, args: string[]) => kubectl(args, { kubeconfig: cluster.tokenKubeconfigs[user] });
const withToken = (token: string, args: string[]) => kubectl([...args, `--token=${token}`], { kubeconfig: cluster.tokenKubeconfigs['alice'] });

describe('authentication', () => {
  it.each<KubectlVersion>(['1.27', '1.32', '1.33'])('kubectl %s auth whoami shows the admin certificate identity', async (version) => {
    const r = await admin(['auth', 'whoami', '-o', 'json'], version);
    expect(r.stderr).toBe('');
    const review = JSON.parse(r.stdout);
    expect(review.status.userInfo.username).toBe('kubernetes-admin');
    expect(review.status.userInfo.groups).toEqual(['system:masters', 'system:authenticated']);
  });

  it('accepts a client certificate of another user, with its O values as groups', async () => {
    const r = await kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig: cluster.paths.users['carol'] });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).status.userInfo).toMatchObject({ username: 'carol', groups: ['auditors', 'viewers', 'system:authenticated'] });
  });

  it('accepts a token from --token-auth-file', async () => {
    const r = await asUser('alice', ['auth', 'whoami', '-o', 'json']);
    expect(JSON.parse(r.stdout).status.userInfo).toEqual({ username: 'alice', uid: '1001', groups: ['developers', 'system:authenticated'] });
  });

  it('rejects an unknown token with 401, even though anonymous requests are enabled', async () => {
    const r = await withToken('not-a-real-token', ['get', 'pods']);
    expect(r.code).toBe(1);
    // kubectl ≥1.26 fails in discovery and words the 401 this way.
    expect(r.stderr.trim().split('\n').pop()).toBe('error: You must be logged in to the server (the server has asked for the client to provide credentials)');
  });

  it('issues a ServiceAccount token with kubectl create token, and the apiserver accepts it', async () => {
    const created = await admin(['create', 'token', 'default', '--duration=10m', '--audience=https://kubernetes.default.svc.cluster.local']);
    expect(created.stderr).toBe('');
    const token = created.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const r = await withToken(token, ['auth', 'whoami', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).status.userInfo).toMatchObject({
      username: 'system:serviceaccount:default:default',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    });
  });

  it('refuses a token shorter than ten minutes with the apiserver’s Invalid message', async () => {
    const r = await admin(['create', 'token', 'default', '--duration=5m']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('may not specify a duration less than 10 minutes');
  });
});

describe('authorization', () => {
  it('answers auth can-i from RBAC: admin yes, alice no, bob yes for reads in default only', async () => {
    expect((await admin(['auth', 'can-i', 'delete', 'nodes'])).stdout.trim()).toBe('yes');
    const alice = await asUser('alice', ['auth', 'can-i', 'list', 'pods']);
    expect(alice.stdout.trim()).toBe('no');
    expect(alice.code).toBe(1);
    expect((await asUser('bob', ['auth', 'can-i', 'list', 'pods'])).stdout.trim()).toBe('yes');
    expect((await asUser('bob', ['auth', 'can-i', 'list', 'pods', '-n', 'kube-system'])).stdout.trim()).toBe('no');
    expect((await asUser('bob', ['auth', 'can-i', 'create', 'pods'])).stdout.trim()).toBe('no');
  });

  it('gives a user without permission kubectl’s usual Forbidden message', async () => {
    const r = await asUser('alice', ['get', 'pods']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const node = await asUser('alice', ['get', 'node', 'node-1']);
    expect(node.stderr.trim()).toBe(
      'Error from server (Forbidden): nodes "node-1" is forbidden: User "alice" cannot get resource "nodes" in API group "" at the cluster scope',
    );
  });

  it('lists rules with auth can-i --list', async () => {
    const r = await asUser('bob', ['auth', 'can-i', '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/);
    expect(r.stdout).toMatch(/pods\s+\[\]\s+\[\]\s+\[get list watch\]/);
  });
});
