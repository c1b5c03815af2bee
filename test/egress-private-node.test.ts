// A node the control plane cannot route to: the kubelet and the Konnectivity agent run as real processes in their
// own network namespace, serving on an address that only that namespace has, while the control plane's side of
// the veth has an `unreachable` route for the node network. Through Konnectivity (the agent dials out) the real
// kubectl 1.32 still gets logs, exec exit codes, port-forward bytes and the node proxy; with the direct path the
// apiserver's own dial fails, and kubectl prints Kubernetes' "no route to host" errors.
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { issueCertificate } from '@hubspoke/pki';
import { kubectl, kubectlPortForward, kubectlSpawn } from './support/kubectl.ts';
import { roundTrip } from './support/net.ts';
import { startNetnsKubelet } from './support/netns-kubelet.ts';
import { createNetns, freeOctet, type Netns, type NetnsProcess } from './support/netns.ts';
import { createPod, waitRunning } from './support/pods.ts';

const REPO = resolve(import.meta.dirname, '..');
const AGENT_BIN = join(REPO, 'packages/konnectivity/bin/konnectivity-agent.js');
const NODE = 'private-1';
const KUBELET_PORT = 10250;

/** A host in its own namespace: the control plane listens on `controlPlane`; `nodeIP` is routable only inside. */
interface PrivateHost {
  netns: Netns;
  controlPlane: string;
  nodeIP: string;
}

/** A fresh namespace on a random 10.201.N.0/30 link, with the node address 10.202.N.1 unreachable from here. */
async function privateHost(tag: string): Promise<PrivateHost> {
  const n = await freeOctet(['10.201', '10.202']);
  const netns = await createNetns({
    tag,
    hostAddress: `10.201.${n}.1/30`,
    nsAddress: `10.201.${n}.2/30`,
    loopbackAddresses: [`10.202.${n}.1/32`],
    // Without it the packets would follow the default route and time out; this fails at once, as a firewall's reject would.
    hostRoutes: [['unreachable', `10.202.${n}.0/24`]],
  });
  return { netns, controlPlane: netns.hostIP, nodeIP: `10.202.${n}.1` };
}

/** Start the kubelet binary inside the host's namespace, joined to `cluster` as `private-1`; resolves when Ready. */
function startPrivateKubelet(cluster: Cluster, host: PrivateHost): Promise<NetnsProcess> {
  return startNetnsKubelet({
    netns: host.netns,
    cluster,
    nodeName: NODE,
    nodeIP: host.nodeIP,
    port: KUBELET_PORT,
    podCIDR: '127.244.0.0/24', // pods on the namespace's own loopback
    extraArgs: ['--v=3'], // the kubelet's httplog lines: who called, from which address
  });
}

/** Start the Konnectivity agent binary inside the host's namespace; resolves when the server lists it. */
async function startPrivateAgent(cluster: Cluster, host: PrivateHost): Promise<NetnsProcess> {
  const dir = join(cluster.dir, 'nodes', NODE, 'konnectivity');
  await mkdir(dir, { recursive: true });
  const cert = await issueCertificate({ ca: cluster.pki.ca, commonName: 'system:konnectivity-agent', usage: 'client' });
  await writeFile(join(dir, 'ca.crt'), cluster.pki.ca.cert);
  await writeFile(join(dir, 'agent.crt'), cert.cert);
  await writeFile(join(dir, 'agent.key'), cert.key, { mode: 0o600 });
  const agent = host.netns.spawn(process.execPath, [
    AGENT_BIN,
    `--proxy-server-host=${host.controlPlane}`,
    `--proxy-server-port=${cluster.konnectivity!.server.agentPort}`,
    `--ca-cert=${join(dir, 'ca.crt')}`,
    `--agent-cert=${join(dir, 'agent.crt')}`,
    `--agent-key=${join(dir, 'agent.key')}`,
    `--agent-id=${NODE}`,
    `--agent-identifiers=ipv4=${host.nodeIP}&host=${NODE}`,
  ]);
  await waitFor(
    () => {
      if (agent.child.exitCode !== null) throw new Error(`agent exited ${agent.child.exitCode}:\n${agent.output()}`);
      return cluster.konnectivity!.server.agents().some((a) => a.identifiers.host?.includes(NODE));
    },
    { timeoutMs: 20_000, what: 'the agent to connect' },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nagent output:\n${agent.output()}`);
  });
  return agent;
}

/** Pods pinned to the private node: a logger, an echo server and a shell. */
async function startPods(cluster: Cluster): Promise<void> {
  const onNode = { nodeName: NODE };
  await createPod(cluster, 'chatty', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] }, onNode);
  await createPod(cluster, 'echo', { image: 'hubspoke/echo', ports: [{ containerPort: 9000 }] }, onNode);
  await createPod(cluster, 'shell', { image: 'hubspoke/shell', command: ['sh', '-c', 'sleep 100000'] }, onNode);
  await Promise.all(['chatty', 'echo', 'shell'].map((p) => waitRunning(cluster, p)));
}

/** A TCP connect from this process (the control plane's namespace): `connected`, or the errno code. */
function dialFromHere(host: string, port: number): Promise<string> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (outcome: string): void => {
      clearTimeout(timer);
      socket.destroy();
      done(outcome);
    };
    const timer = setTimeout(() => finish('timeout'), 5_000);
    socket.once('connect', () => finish('connected'));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
  });
}

/** The same connect made from inside the namespace, where the node address is local. */
async function dialInside(host: PrivateHost, port: number): Promise<string> {
  const script = `require('net').connect(${port}, '${host.nodeIP}').on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(1); });`;
  return (await host.netns.exec(process.execPath, ['-e', script])).stdout.trim();
}

describe('a private node behind Konnectivity', () => {
  let host: PrivateHost;
  let cluster: Cluster;
  let kubelet: NetnsProcess;

  beforeAll(async () => {
    host = await privateHost('knp');
    cluster = await startCluster({ nodes: [], egress: 'konnectivity', controlPlaneAddress: host.controlPlane });
    kubelet = await startPrivateKubelet(cluster, host);
    await startPrivateAgent(cluster, host);
    await startPods(cluster);
  }, 60_000);

  afterAll(async () => {
    await host?.netns.close();
    await cluster?.close();
  });

  const k = (args: string[]) => kubectl(args, { kubeconfig: cluster.adminKubeconfig, version: '1.32' });

  /** Successful dials the Konnectivity server has made through an agent. */
  async function dials(): Promise<number> {
    const metrics = await (await fetch(`http://127.0.0.1:${cluster.konnectivity!.server.adminPort}/metrics`)).text();
    return Number(/^konnectivity_network_proxy_server_dial_requests_total\{result="connected"\} (\d+)$/m.exec(metrics)?.[1]);
  }

  /** Run `op` and check that the Konnectivity server dialled for it. */
  async function through<T>(op: () => Promise<T>): Promise<T> {
    const before = await dials();
    const result = await op();
    expect(await dials()).toBeGreaterThan(before);
    return result;
  }

  it('has no route from the control plane to the kubelet, which serves only inside the namespace', async () => {
    const node = await cluster.admin.get(`/api/v1/nodes/${NODE}`);
    expect((node.status as { addresses: { type: string; address: string }[] }).addresses).toContainEqual({ type: 'InternalIP', address: host.nodeIP });
    expect(await dialFromHere(host.nodeIP, KUBELET_PORT)).toBe('EHOSTUNREACH');
    expect(await dialInside(host, KUBELET_PORT)).toBe('connected');
    expect(cluster.konnectivity!.server.agents().map((a) => a.identifiers)).toEqual([
      expect.objectContaining({ host: [NODE], ipv4: [host.nodeIP] }),
    ]);
  });

  it('streams logs', async () => {
    await waitFor(async () => (await k(['logs', 'chatty'])).stdout.trim().split('\n').length >= 3, { timeoutMs: 10_000, intervalMs: 100, what: 'three log lines' });
    const r = await through(() => k(['logs', 'chatty']));
    expect(r.code).toBe(0);
    for (const line of r.stdout.trim().split('\n')) expect(line).toMatch(/^\d+ \S+ hello from chatty$/);
    // Where the bytes travelled: the kubelet was called from the agent on its own node, never from the control plane.
    const calls = kubelet
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('"msg":"HTTP"'))
      .map((l) => JSON.parse(l) as { URI: string; srcIP: string })
      .filter((c) => c.URI.startsWith('/containerLogs/default/chatty/chatty'));
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(c.srcIP).toMatch(new RegExp(`^${host.nodeIP.replaceAll('.', '\\.')}:\\d+$`));
  });

  it('carries the exit code of exec', async () => {
    const r = await through(() => k(['exec', 'shell', '--', 'sh', '-c', 'exit 3']));
    expect(r.code).toBe(3);
  });

  it('port-forwards 8 MiB intact', async () => {
    await through(async () => {
      const { port, child } = await kubectlPortForward('pod/echo', ':9000', { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
      try {
        const trip = await roundTrip(port, 8 * 1024 * 1024);
        expect(trip.received).toBe(trip.sent);
      } finally {
        child.kill();
      }
    });
  }, 30_000);

  it('proxies to the node', async () => {
    const r = await through(() => k(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/healthz`]));
    expect(r).toMatchObject({ code: 0, stdout: 'ok' });
  });
});

describe('a private node on the direct path', () => {
  let host: PrivateHost;
  let cluster: Cluster;

  beforeAll(async () => {
    host = await privateHost('dir');
    cluster = await startCluster({ nodes: [], egress: 'direct', controlPlaneAddress: host.controlPlane });
    // The node side works: the kubelet registers and runs pods, since it dials the apiserver, not the other way.
    await startPrivateKubelet(cluster, host);
    await startPods(cluster);
  }, 60_000);

  afterAll(async () => {
    await host?.netns.close();
    await cluster?.close();
  });

  const k = (args: string[]) => kubectl(args, { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
  const dialError = () => `dial tcp ${host.nodeIP}:${KUBELET_PORT}: connect: no route to host`;

  it('has a kubelet that serves inside the namespace but no route to it from the control plane', async () => {
    expect(cluster.konnectivity).toBeUndefined();
    expect(await dialInside(host, KUBELET_PORT)).toBe('connected');
    expect(await dialFromHere(host.nodeIP, KUBELET_PORT)).toBe('EHOSTUNREACH');
  });

  it('fails logs with the dial error', async () => {
    const r = await k(['logs', 'chatty']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error from server: Get "https://${host.nodeIP}:${KUBELET_PORT}/containerLogs/default/chatty/chatty": ${dialError()}\n`);
  });

  it('fails exec with the dial error', async () => {
    const r = await k(['exec', 'shell', '--', 'sh', '-c', 'exit 3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error from server: error dialing backend: ${dialError()}\n`);
  });

  it('fails port-forward with the dial error', async () => {
    const child = await kubectlSpawn(['port-forward', 'pod/echo', ':9000'], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.stderr!.on('data', (d: Buffer) => (out += d));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(out).toBe(`error: error upgrading connection: error dialing backend: ${dialError()}\n`);
  });

  it('fails the node proxy with the dial error', async () => {
    const r = await k(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/healthz`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error from server (ServiceUnavailable): error trying to reach service: ${dialError()}\n`);
  });
});
