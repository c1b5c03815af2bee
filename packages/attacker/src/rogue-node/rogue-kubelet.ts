// A kubelet impostor: an HTTPS server on an address the apiserver dials for some node, with whatever
// certificate the attacker holds. What it answers is a strategy (forged logs, redirects, failed upgrades); what
// it records is the same for all of them: who connected (the client certificate the apiserver presented), every
// request on every connection, and — after it answered an upgrade without upgrading — whether the apiserver
// sent anything more down that connection or closed it (CVE-2018-1002105's question).
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { encodeForgedResponse, type ForgedResponse } from '../sniff/forged-response.ts';

/** One request the impostor received. */
export interface RogueRequest {
  method: string;
  /** Path and query, as sent. */
  target: string;
  headers: Record<string, string | string[] | undefined>;
  /** It asked to switch protocols (exec, attach, port-forward). */
  upgrade: boolean;
  /** The status the impostor answered. */
  status: number;
}

/** One connection to the impostor, as it saw it. */
export interface RogueConnection {
  id: number;
  remote: string;
  /** CN of the client certificate presented (the apiserver's kubelet client, e.g. kube-apiserver-kubelet-client). */
  clientCN?: string;
  requests: RogueRequest[];
  /** Bytes that arrived after a held-open failed upgrade was answered: a request smuggled down it. */
  afterUpgradeAnswer: Buffer;
  /** The peer ended or reset the connection (the impostor never closes a held-open one itself). */
  closedByPeer: boolean;
  closed: boolean;
}

/** A strategy's answer: a response (the connection then stays usable), or for an upgrade, `hold-open` after it. */
export interface RogueAnswer extends ForgedResponse {
  /** Upgrades only: write the answer and keep the connection open, recording what follows. */
  holdOpen?: boolean;
}

/** Decides the answer to one request. */
export type RogueStrategy = (request: { method: string; target: string; upgrade: boolean }) => RogueAnswer;

/** Where to listen, with which certificate, answering how. */
export interface RogueKubeletOptions {
  listen: { host: string; port: number };
  /** The serving certificate (chain) and key the impostor shows. */
  tls: { cert: string; key: string };
  strategy: RogueStrategy;
  logger?: Logger;
}

/** A running impostor. */
export interface RogueKubelet {
  readonly host: string;
  readonly port: number;
  /** Every connection so far, oldest first (live objects: they keep filling in). */
  connections(): RogueConnection[];
  /** Every request so far, across connections. */
  requests(): RogueRequest[];
  close(): Promise<void>;
}

/** Start the impostor; resolves once it listens. */
export async function startRogueKubelet(options: RogueKubeletOptions): Promise<RogueKubelet> {
  const connections: RogueConnection[] = [];
  const bySocket = new WeakMap<Duplex, RogueConnection>();
  const sockets = new Set<Duplex>();
  const log = options.logger?.child({ component: 'rogue-kubelet' });

  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key, requestCert: true, rejectUnauthorized: false });
  server.on('secureConnection', (socket: TLSSocket) => {
    const peer = socket.getPeerCertificate();
    const record: RogueConnection = {
      id: connections.length + 1,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
      ...(peer?.subject?.CN ? { clientCN: String(peer.subject.CN) } : {}),
      requests: [],
      afterUpgradeAnswer: Buffer.alloc(0),
      closedByPeer: false,
      closed: false,
    };
    connections.push(record);
    bySocket.set(socket, record);
    sockets.add(socket);
    socket.once('end', () => (record.closedByPeer = true));
    socket.once('close', (hadError) => {
      if (hadError) record.closedByPeer = true;
      record.closed = true;
      sockets.delete(socket);
    });
    log?.info({ connection: record.id, remote: record.remote, clientCN: record.clientCN }, 'connection');
  });
  server.on('tlsClientError', () => {});

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const answer = options.strategy({ method: req.method ?? 'GET', target: req.url ?? '/', upgrade: false });
    note(req, answer, false);
    res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain; charset=utf-8', ...answer.headers });
    res.end(answer.body);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const answer = options.strategy({ method: req.method ?? 'GET', target: req.url ?? '/', upgrade: true });
    const record = note(req, answer, true);
    socket.on('error', () => {});
    socket.write(encodeForgedResponse(answer, req.method));
    if (!answer.holdOpen) {
      socket.end();
      return;
    }
    // From here the impostor says nothing and closes nothing: anything that arrives was sent by the apiserver.
    socket.on('data', (chunk: Buffer) => {
      if (record) record.afterUpgradeAnswer = Buffer.concat([record.afterUpgradeAnswer, chunk]);
    });
  });

  function note(req: IncomingMessage, answer: RogueAnswer, upgrade: boolean): RogueConnection | undefined {
    const record = bySocket.get(req.socket);
    const entry: RogueRequest = { method: req.method ?? 'GET', target: req.url ?? '/', headers: { ...req.headers }, upgrade, status: answer.status ?? 200 };
    record?.requests.push(entry);
    log?.info({ connection: record?.id, method: entry.method, target: entry.target, upgrade, status: entry.status }, 'request');
    return record;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host: options.listen.host,
    port: address.port,
    connections: () => [...connections],
    requests: () => connections.flatMap((c) => c.requests),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
