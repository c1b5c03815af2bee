// The running lab's own JSON API, served by the `hubspoke up` process on loopback (its URL is in lab.json) for
// the dashboard: GET /topology (the lab as topology.ts draws it), GET /captures (what the attacker read, in
// plaintext) and GET /events (Server-Sent Events: the topology whenever it changes, checked every second). The
// HTTP part reads a LabSnapshotSource, so the dashboard serves the same routes for a docker-compose lab.
import { X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { capturesResponse, type CapturesResponse, type Mitm } from '@hubspoke/attacker';
import type { Cluster } from './cluster.ts';
export type { CapturesResponse, CaptureView, CaptureExchangeView } from '@hubspoke/attacker';
export { captureView } from '@hubspoke/attacker';
import { buildTopology, type EgressFacts, type LabTopology, type TopologyInput } from './topology.ts';

/** The attacker `hubspoke up --attacker mitm` runs, and the node it intercepts. */
export interface LabAttacker {
  mitm: Mitm;
  victim: string;
}

/** What the API reads. */
export interface LabApiOptions {
  cluster: Cluster;
  profile?: string;
  attacker?: LabAttacker;
  /** Where to listen (default 127.0.0.1, any free port). */
  host?: string;
  port?: number;
  /** How often /events looks for a change (default 1000 ms). */
  intervalMs?: number;
}

/** A running lab API. */
export interface LabApi {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  close(): Promise<void>;
}

/** Where the API's answers come from; a rejection means the lab does not answer now (503 `no-lab`). */
export interface LabSnapshotSource {
  topology(): LabTopology | Promise<LabTopology>;
  captures(): CapturesResponse | Promise<CapturesResponse>;
}

/** The API's routes over a source, for any HTTP server (the dashboard mounts them under /api). */
export interface LabApiRoutes {
  /** Answer a request for `path` (`/topology`, `/captures`, `/events`, anything else: 404). */
  serve(path: string, req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** End every open event stream. */
  close(): void;
}

/** Start serving; resolves once listening. */
export async function startLabApi(options: LabApiOptions): Promise<LabApi> {
  const routes = labApiRoutes(clusterSource(options), { intervalMs: options.intervalMs });
  const server = createServer((req, res) => {
    void routes.serve(new URL(req.url ?? '/', 'http://lab').pathname, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    async close() {
      routes.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The in-process cluster as a snapshot source. */
export function clusterSource(options: Pick<LabApiOptions, 'cluster' | 'profile' | 'attacker'>): LabSnapshotSource {
  return { topology: () => labTopology(options), captures: () => labCaptures(options.attacker) };
}

/** /topology, /captures and /events over `source`; /events polls every `intervalMs` (default 1000). */
export function labApiRoutes(source: LabSnapshotSource, options: { intervalMs?: number } = {}): LabApiRoutes {
  const intervalMs = options.intervalMs ?? 1000;
  const streams = new Set<ServerResponse>();

  async function serve(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'GET') return json(res, 405, { error: 'only GET' });
      if (path === '/topology') return json(res, 200, await source.topology());
      if (path === '/captures') return json(res, 200, await source.captures());
      if (path === '/events') return await events(res);
      json(res, 404, { error: `no ${path}: try /topology, /captures or /events` });
    } catch (err) {
      if (!res.headersSent) json(res, 503, { error: 'no-lab', message: (err as Error).message });
      else res.end();
    }
  }

  async function events(res: ServerResponse): Promise<void> {
    // The first snapshot before the headers: a lab that does not answer gets a 503, as /topology does.
    let last = JSON.stringify(await source.topology());
    if (res.destroyed) return; // the page went away while the snapshot was taken
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    // A browser reconnects after `retry` ms when the lab goes away; a restarted lab is found again quickly.
    res.write(`retry: 1000\n\nevent: topology\ndata: ${last}\n\n`);
    streams.add(res);
    let quiet = 0;
    let timer: NodeJS.Timeout | undefined;
    const tick = async (): Promise<void> => {
      let data: string;
      try {
        data = JSON.stringify(await source.topology());
      } catch {
        return void res.end(); // the lab stopped answering: the page reconnects and learns why
      }
      if (res.destroyed || res.writableEnded) return;
      if (data !== last) {
        last = data;
        quiet = 0;
        res.write(`event: topology\ndata: ${data}\n\n`);
      } else if (++quiet * intervalMs >= 15_000) {
        quiet = 0;
        res.write(': keep-alive\n\n'); // proxies close idle streams
      }
      // Scheduled after the snapshot, so a slow source never has two in flight.
      timer = setTimeout(() => void tick(), intervalMs);
    };
    timer = setTimeout(() => void tick(), intervalMs);
    res.on('close', () => {
      clearTimeout(timer);
      streams.delete(res);
    });
  }

  return {
    serve,
    close() {
      for (const res of streams) res.end();
    },
  };
}

/** The running cluster's topology now. */
export function labTopology(options: Pick<LabApiOptions, 'cluster' | 'profile' | 'attacker'>): LabTopology {
  return buildTopology(topologyInput(options));
}

const servingCertKinds = new Map<string, 'self-signed' | 'cluster-ca'>();

/** A snapshot of the running cluster for buildTopology. */
export function topologyInput({ cluster, profile, attacker }: Pick<LabApiOptions, 'cluster' | 'profile' | 'attacker'>): TopologyInput {
  const cfg = cluster.apiserver.config;
  const storage = cluster.apiserver.storage;
  const service = storage.peek('services', 'default', 'kubernetes') as { spec?: { clusterIP?: string; ports?: { port: number }[] } } | undefined;
  return {
    profile,
    apiserver: {
      url: cluster.server,
      anonymousAuth: cfg.anonymousAuth,
      authorizationModes: cfg.authorizationModes,
      kubeletCertificateAuthority: Boolean(cfg.kubeletCertificateAuthority),
      kubeletClientCertificate: Boolean(cfg.kubeletClientCert),
      sshKnownHosts: Boolean(cfg.sshKnownHosts),
    },
    kubelets: cluster.kubelets.map((k) => ({
      nodeName: k.nodeName,
      address: k.address,
      port: k.port,
      readOnlyPort: k.readOnlyPort,
      anonymousAuth: k.config.anonymousAuth,
      authorizationMode: k.config.authorizationMode,
      servingCert: servingCertKind(k.servingCertPem, cluster.pki.ca.cert),
    })),
    nodes: storage.peekList('nodes'),
    pods: storage.peekList('pods'),
    kubernetesService: service?.spec?.clusterIP ? `${service.spec.clusterIP}:${service.spec.ports?.[0]?.port ?? 443}` : undefined,
    egress: egressFacts(cluster),
    attacker: attacker
      ? { kind: 'mitm', address: attacker.mitm.address, port: attacker.mitm.port, victim: attacker.victim, captures: attacker.mitm.captures().length, refused: attacker.mitm.handshakeFailures() }
      : undefined,
    bytes: cluster.apiserver.egressBytes(),
  };
}

function egressFacts(cluster: Cluster): EgressFacts {
  if (cluster.konnectivity) {
    const k = cluster.konnectivity;
    const connected = new Set(k.server.agents().map((a) => a.agentId));
    return {
      kind: 'konnectivity',
      udsName: k.server.udsName ?? '',
      agentPort: k.server.agentPort,
      agents: k.agents.map((a) => ({ node: a.agentId, connected: a.connected && connected.has(a.agentId), openConnections: a.openConnections })),
    };
  }
  if (cluster.ssh) {
    const ssh = cluster.ssh;
    return {
      kind: 'ssh',
      port: ssh.port,
      daemons: ssh.daemons.map((d, i) => ({ node: cluster.kubelets[i]?.nodeName ?? d.address, address: d.address, connections: d.connections().length })),
    };
  }
  return { kind: 'direct' };
}

/** Whether the cluster CA (`caPem`) signed a kubelet's serving certificate (cached: it changes only on rotation). */
export function servingCertKind(pem: string, caPem: string): 'self-signed' | 'cluster-ca' {
  const key = `${pem}\n${caPem}`;
  let kind = servingCertKinds.get(key);
  if (!kind) {
    try {
      const leaf = new X509Certificate(pem);
      const ca = new X509Certificate(caPem);
      kind = leaf.checkIssued(ca) && leaf.verify(ca.publicKey) ? 'cluster-ca' : 'self-signed';
    } catch {
      kind = 'self-signed'; // '' while a bootstrapped certificate is pending
    }
    servingCertKinds.set(key, kind);
  }
  return kind;
}

/** GET /captures for an attacker (empty without one). */
export function labCaptures(attacker: LabAttacker | undefined): CapturesResponse {
  return attacker ? capturesResponse(attacker.mitm, attacker.victim) : { refused: [], captures: [] };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
