// `nodes-proxy-exec` over real sockets: mallory holds only `get nodes/proxy` (a ClusterRole monitoring agents
// are often given). A WebSocket exec is a GET, so the kubelet authorizes it as `get nodes/proxy` and runs the
// command (Kubernetes: "get permission on nodes/proxy is not a read-only permission"). Through the apiserver's
// nodes/proxy the apiserver authorizes the same `get`, and the kubelet then sees only the apiserver's identity.
// hubspoke's kubelet gate KubeletWebsocketUpgradeCreatePermission (modelled on the unmerged
// kubernetes/kubernetes#136550) closes the direct door; the apiserver door stays open, as in Kubernetes, where
// AuthorizePodWebsocketUpgradeCreatePermission covers pods/exec, attach and portforward only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '@hubspoke/lab';
import { runAttackerCommand } from './support/attacker-command.ts';
import { nodesProxyExec, type NodesProxyRoute } from '../packages/attacker/src/nodes-proxy-exec/nodes-proxy-exec.ts';
import { kubectl } from './support/kubectl.ts';
import { createPod, waitRunning } from './support/pods.ts';
import { grantNodesProxyGet } from './support/rbac.ts';

const TOKEN = 'mallory-token-0000000000000';
const ID = 'uid=0(root) gid=0(root) groups=0(root)\n';
const clusters: Cluster[] = [];
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.close()));
});

/** A kubeadm-like node (Webhook, no anonymous), a pod on it, and mallory bound to `get nodes/proxy`. */
async function cluster(prefix: string, gates: { kubelet?: Record<string, boolean>; apiserver?: Record<string, boolean> } = {}): Promise<Cluster> {
  const c = await startCluster({
    nodes: 1,
    nodeAddressPrefix: prefix,
    tokens: [{ token: TOKEN, user: 'mallory' }],
    apiserver: { featureGates: gates.apiserver ?? {} },
    kubelet: { anonymousAuth: false, authenticationTokenWebhook: true, authorizationMode: 'Webhook', readOnlyPort: 0, featureGates: gates.kubelet ?? {} },
  });
  clusters.push(c);
  await grantNodesProxyGet(c, 'mallory');
  await createPod(c, 'chatty', { image: 'hubspoke/logger' });
  await waitRunning(c, 'chatty');
  return c;
}

const direct = (c: Cluster): NodesProxyRoute => ({ via: 'kubelet', kubelet: `${c.kubelets[0].address}:${c.kubelets[0].port}` });
const viaApiserver = (c: Cluster): NodesProxyRoute => ({ via: 'apiserver', server: c.server, node: 'node-1' });
const attempt = (route: NodesProxyRoute) =>
  nodesProxyExec({ route, namespace: 'default', pod: 'chatty', container: 'chatty', command: ['id'], credentials: { token: TOKEN } });

describe('a user with only get nodes/proxy, kubelet gate off (Kubernetes’ behaviour)', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster('127.0.45', { apiserver: { AuthorizePodWebsocketUpgradeCreatePermission: true } });
  }, 60_000);

  it('may not exec the ordinary way: kubectl exec needs pods/exec', async () => {
    const r = await kubectl(['exec', 'chatty', '--', 'id'], { kubeconfig: c.tokenKubeconfigs.mallory });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error from server \(Forbidden\): pods "chatty" is forbidden: User "mallory" cannot get resource "pods" in API group "" in the namespace "default"/);
  });

  it('runs the command with a WebSocket GET straight to the kubelet', async () => {
    expect(await attempt(direct(c))).toMatchObject({ outcome: 'executed', status: 101, subprotocol: 'v5.channel.k8s.io', output: ID });
  });

  it('runs it through the apiserver’s nodes/proxy too, AuthorizePodWebsocketUpgradeCreatePermission notwithstanding', async () => {
    const result = await attempt(viaApiserver(c));
    expect(result).toMatchObject({ outcome: 'executed', output: ID });
    expect(result.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/api\/v1\/nodes\/node-1\/proxy\/exec\/default\/chatty\/chatty\?command=id&output=1&error=1$/);
  });

  it('runs as `nodes-proxy-exec` on the command line', async () => {
    const out = await runAttackerCommand(['nodes-proxy-exec', '--kubelet', `${c.kubelets[0].address}:${c.kubelets[0].port}`, '--token', TOKEN, '--pod', 'chatty', '--command', 'id']);
    expect(out).toBe(`executed (101, v5.channel.k8s.io) wss://${c.kubelets[0].address}:${c.kubelets[0].port}/exec/default/chatty/chatty?command=id&output=1&error=1\n${ID}`);
  });
});

describe('the same user with KubeletWebsocketUpgradeCreatePermission on the kubelet', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster('127.0.46', { kubelet: { KubeletWebsocketUpgradeCreatePermission: true } });
  }, 60_000);

  it('is refused by the kubelet, which now asks for create', async () => {
    expect(await attempt(direct(c))).toMatchObject({
      outcome: 'forbidden',
      status: 403,
      text: 'Forbidden (user=mallory, verb=create, resource=nodes, subresource=proxy)',
    });
  });

  it('still runs the command through the apiserver, whose own identity the kubelet sees there', async () => {
    expect(await attempt(viaApiserver(c))).toMatchObject({ outcome: 'executed', output: ID });
  });
});
