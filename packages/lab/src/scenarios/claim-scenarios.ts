// Scenarios for the document's claims about the paths themselves (C1–C8, C13, C14): each performs what the claim
// says with the real kubectl and reports what the components did.
import { request } from 'node:https';
import { Observations, type Scenario } from './scenario.ts';
import type { ScenarioLab } from './scenario-lab.ts';

const LOGGER = { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '100' }] };
const SHELL = { image: 'hubspoke/shell', command: ['sh', '-c', 'sleep 100000'] };

/** GET `path` on the apiserver with no credentials at all; the status and the Status message. */
function anonymousGet(lab: ScenarioLab, path: string): Promise<{ status: number; message: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${lab.cluster.server}${path}`, { ca: lab.cluster.pki.ca.cert }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, message: (JSON.parse(body) as { message?: string }).message ?? body }));
    });
    req.on('error', reject);
    req.end();
  });
}

export const CLAIM_SCENARIOS: Scenario[] = [
  {
    id: 'secure-port',
    claims: ['C1', 'C2', 'C6'],
    title: 'Everything ends at the apiserver\'s secure port, which authenticates each client',
    claim: 'Nodes, pods and users all talk to the apiserver on its HTTPS port; it knows each client by its certificate or token, and a request without credentials is system:anonymous with no rights.',
    topology: { profile: 'kubernetes-defaults' },
    steps: [
      'curl --cacert .hubspoke/pki/ca.crt https://127.0.0.1:6443/api/v1/namespaces/default/pods',
      'kubectl --kubeconfig .hubspoke/nodes/node-1/kubelet.conf auth whoami',
    ],
    expected: 'The anonymous request is Forbidden as system:anonymous; node-1 is known as system:node:node-1 in group system:nodes.',
    async run(lab) {
      const o = new Observations();
      const anonymous = await anonymousGet(lab, '/api/v1/namespaces/default/pods');
      o.note(`anonymous GET pods: ${anonymous.status} ${anonymous.message}`);
      o.expect(anonymous.status === 403 && anonymous.message.includes('User "system:anonymous" cannot list resource "pods"'), 'anonymous requests are authenticated as system:anonymous and refused');
      const whoami = await lab.kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig: lab.cluster.paths.nodes['node-1'].kubeconfig });
      const user = (JSON.parse(whoami.stdout || '{}') as { status?: { userInfo?: { username?: string; groups?: string[] } } }).status?.userInfo;
      o.note(`node-1's kubeconfig: ${user?.username} in ${user?.groups?.join(', ')}`);
      o.expect(user?.username === 'system:node:node-1' && (user.groups ?? []).includes('system:nodes'), 'the kubelet is known by its client certificate');
      return o.result();
    },
  },
  {
    id: 'authorization',
    claims: ['C3'],
    title: 'Authorization decides what an authenticated user may do',
    claim: 'Authenticating a user is not enough: RBAC (and the Node authorizer for kubelets) must allow each request, and nothing is allowed until a binding says so.',
    topology: { profile: 'kubernetes-defaults' },
    steps: [
      'kubectl --kubeconfig .hubspoke/users/alice.token.conf get pods',
      'kubectl create rolebinding alice-view --clusterrole=view --user=alice',
      'kubectl --kubeconfig .hubspoke/users/alice.token.conf get pods',
    ],
    expected: 'alice is Forbidden, in Kubernetes\' words, until the RoleBinding exists; then she lists pods.',
    async run(lab) {
      const o = new Observations();
      const alice = lab.cluster.tokenKubeconfigs['alice'];
      const before = await lab.kubectl(['get', 'pods'], { kubeconfig: alice });
      o.note(`before: ${before.stderr.trim()}`);
      o.expect(before.stderr.includes('pods is forbidden: User "alice" cannot list resource "pods"'), 'alice is refused without a binding');
      await lab.kubectl(['create', 'rolebinding', 'alice-view', '--clusterrole=view', '--user=alice']);
      const after = await lab.kubectl(['get', 'pods'], { kubeconfig: alice });
      o.note(`after the RoleBinding: exit ${after.code}${after.stderr ? `, ${after.stderr.trim()}` : ''}`);
      o.expect(after.code === 0, 'alice lists pods once the binding exists');
      return o.result();
    },
  },
  {
    id: 'serviceaccount-token',
    claims: ['C4'],
    attack: 'token-replay',
    title: 'A pod reaches the apiserver with its ServiceAccount\'s token',
    claim: 'Each pod gets a token for its ServiceAccount, bound to the pod, with the cluster CA to verify the apiserver; when the pod is gone, so is the token\'s validity.',
    topology: { profile: 'kubernetes-defaults' },
    steps: [
      'kubectl run client --image=hubspoke/shell -- sh -c "sleep 100000"',
      'TOKEN=$(kubectl exec client -- cat /var/run/secrets/kubernetes.io/serviceaccount/token)',
      'kubectl --token="$TOKEN" auth whoami',
      'kubectl delete pod client --grace-period=0; kubectl --token="$TOKEN" auth whoami',
    ],
    expected: 'The token authenticates as system:serviceaccount:default:default, bound to the pod; once the pod is deleted it is refused (401).',
    async run(lab) {
      const o = new Observations();
      await lab.runPod('client', SHELL);
      const token = (await lab.kubectl(['exec', 'client', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'])).stdout.trim();
      o.note(`token read from inside the pod: ${token.slice(0, 24)}… (${token.length} characters)`);
      const kubeconfig = await lab.tokenKubeconfig('stolen', token);
      const whoami = await lab.kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig });
      const info = (JSON.parse(whoami.stdout || '{}') as { status?: { userInfo?: { username?: string; extra?: Record<string, string[]> } } }).status?.userInfo;
      o.note(`the token is ${info?.username}, pod ${info?.extra?.['authentication.kubernetes.io/pod-name']?.[0]}`);
      o.expect(info?.username === 'system:serviceaccount:default:default' && info.extra?.['authentication.kubernetes.io/pod-name']?.[0] === 'client', 'the token names the ServiceAccount and the pod it is bound to');
      await lab.kubectl(['delete', 'pod', 'client', '--grace-period=0', '--force']);
      const replay = await lab.kubectl(['auth', 'whoami'], { kubeconfig });
      o.note(`after deleting the pod: ${replay.stderr.trim()}`);
      o.expect(replay.code !== 0 && replay.stderr.includes('Unauthorized'), 'the token of a deleted pod is refused');
      return o.result();
    },
  },
  {
    id: 'apiserver-to-kubelet',
    claims: ['C8'],
    title: 'Logs, exec and the node proxy go from the apiserver to the kubelet',
    claim: 'kubectl logs, exec, attach and port-forward, and the node proxy, are served by the apiserver calling the kubelet\'s HTTPS port.',
    topology: { profile: 'kubernetes-defaults' },
    steps: ['kubectl logs chatty --tail=2', "kubectl exec shell -- sh -c 'exit 3'", 'kubectl get --raw /api/v1/nodes/node-1/proxy/healthz'],
    expected: 'Logs come back, exec returns the command\'s exit code 3, and the kubelet\'s /healthz says ok through the apiserver.',
    async run(lab) {
      const o = new Observations();
      await Promise.all([lab.runPod('chatty', LOGGER), lab.runPod('shell', SHELL)]);
      const logs = await lab.kubectl(['logs', 'chatty', '--tail=2']);
      o.note(`logs: ${JSON.stringify(logs.stdout.trim().split('\n').at(-1))}`);
      o.expect(logs.code === 0 && logs.stdout.includes('hello from chatty'), 'logs come from the kubelet');
      const exec = await lab.kubectl(['exec', 'shell', '--', 'sh', '-c', 'exit 3']);
      o.expect(exec.code === 3, `exec carries the exit code (got ${exec.code})`);
      const healthz = await lab.kubectl(['get', '--raw', '/api/v1/nodes/node-1/proxy/healthz']);
      o.expect(healthz.stdout === 'ok', `the node proxy reaches the kubelet (got ${JSON.stringify(healthz.stdout || healthz.stderr)})`);
      return o.result();
    },
  },
  {
    id: 'ssh-tunnels',
    claims: ['C13', 'C14'],
    title: 'SSH tunnels carry the apiserver\'s traffic to the nodes (deprecated)',
    claim: 'With --ssh-user and --ssh-keyfile the apiserver opens an SSH connection to each node and sends kubelet, node, pod and service traffic through it; the feature is deprecated, and host keys are not checked.',
    topology: { profile: 'kubernetes-defaults', egress: 'ssh' },
    steps: ['hubspoke up --egress ssh', 'kubectl logs chatty --tail=1', 'hubspoke logs sshd'],
    expected: 'Logs work, and node-1\'s sshd shows the apiserver logged in as kube-apiserver with forwards to the kubelet.',
    async run(lab) {
      const o = new Observations();
      await lab.runPod('chatty', LOGGER);
      const logs = await lab.kubectl(['logs', 'chatty', '--tail=1']);
      o.expect(logs.code === 0 && logs.stdout.includes('hello from chatty'), 'logs work through the tunnel');
      const [conn] = lab.cluster.ssh!.daemons[0].connections();
      o.note(`node-1's sshd: ${conn ? `${conn.user} from ${conn.remoteAddress} with key ${conn.keyFingerprint}` : 'no connection'}`);
      o.expect(conn?.user === 'kube-apiserver', 'the apiserver holds an SSH connection to node-1');
      o.note(`the apiserver checks host keys: ${lab.cluster.apiserver.config.sshKnownHosts ? 'yes' : 'NO (any sshd answering for the node is believed)'}`);
      return o.result();
    },
  },
  {
    id: 'konnectivity',
    claims: ['C14'],
    title: 'Konnectivity: agents dial out, the apiserver\'s traffic comes back through them',
    claim: 'The SSH tunnels\' replacement: an agent on each node keeps a connection to the konnectivity-server, and the apiserver sends its node traffic to the server, which relays it through the node\'s agent.',
    topology: { profile: 'kubernetes-defaults', egress: 'konnectivity' },
    steps: ['hubspoke up --egress konnectivity', 'kubectl logs chatty --tail=1', 'hubspoke logs konnectivity-agent'],
    expected: 'Logs work, and the server\'s dial counter shows the request crossed an agent.',
    async run(lab) {
      const o = new Observations();
      await lab.runPod('chatty', LOGGER);
      const dials = async (): Promise<number> => {
        const metrics = await (await fetch(`http://127.0.0.1:${lab.cluster.konnectivity!.server.adminPort}/metrics`)).text();
        return Number(/^konnectivity_network_proxy_server_dial_requests_total\{result="connected"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
      };
      const before = await dials();
      const logs = await lab.kubectl(['logs', 'chatty', '--tail=1']);
      const after = await dials();
      o.note(`konnectivity-server dials: ${before} before, ${after} after`);
      o.expect(logs.code === 0 && logs.stdout.includes('hello from chatty'), 'logs work through the agent');
      o.expect(after > before, 'the request crossed the konnectivity-server and an agent');
      o.note(`agents connected: ${lab.cluster.konnectivity!.server.agents().map((a) => a.agentId).join(', ')}`);
      return o.result();
    },
  },
];
