// Binds the framework-free chain and handlers to fastify: one catch-all route, raw bodies, Status errors,
// lazily-started streams for watches, responses relayed from backends, and upgrade requests — which fastify
// does not route — taken from the server's `upgrade` event through the same chain.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline, type Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { ApiError, asApiError, tooLarge } from '@hubspoke/api';
import type { Logger } from 'pino';
import type { ApiRequest, ApiResponse } from '../request/context.ts';
import type { RequestInfo } from '../request/request-info.ts';
import type { StreamResponse } from '../handlers/resources.ts';
import type { WatchSink } from '../registry/watch.ts';
import { withRequestInfo } from '../filters/chain.ts';
import type { AuditSink } from '../audit/audit-log.ts';
import { endGracefully, writeStatusResponse } from '../proxy/raw-response.ts';
import { isRelayed, type RelayedResponse } from '../proxy/relayed-response.ts';
import { outcomeStatus, type UpgradeConnection, type UpgradeOutcome } from '../proxy/upgrade-aware-proxy.ts';

/** The server's request entry point after request info is known. */
export type Dispatch = (req: ApiRequest) => Promise<ApiResponse | StreamResponse | RelayedResponse>;

/** Serves one upgrade request (already authenticated and authorized) on its raw connection. */
export type UpgradeHandler = (req: ApiRequest, conn: UpgradeConnection) => Promise<UpgradeOutcome>;

/** How upgrade requests are routed and admitted. */
export interface UpgradeRouting {
  /** The handler for an upgrade of this request; undefined = serve it as an ordinary request. */
  handlerFor(info: RequestInfo): UpgradeHandler | undefined;
  /** Authentication and authorization, exactly as for ordinary requests; throws the ApiError to answer. */
  admit(req: ApiRequest): Promise<void>;
}

/** Largest request body accepted (the apiserver's limit is 3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

// A connection's peer chain never changes; reading it builds many objects, so it is read once per socket.
const chains = new WeakMap<TLSSocket, Buffer[] | undefined>();

/** The TLS peer chain, leaf first, as DER buffers (read once per connection). */
export function peerChain(socket: TLSSocket): Buffer[] | undefined {
  if (chains.has(socket)) return chains.get(socket);
  const chain = readPeerChain(socket);
  chains.set(socket, chain);
  return chain;
}

function readPeerChain(socket: TLSSocket): Buffer[] | undefined {
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const leaf = socket.getPeerCertificate(true);
  if (!leaf || !leaf.raw) return undefined;
  const chain: Buffer[] = [];
  let cur: typeof leaf | undefined = leaf;
  const seen = new Set<string>();
  while (cur && cur.raw && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    chain.push(cur.raw);
    cur = cur.issuerCertificate as typeof leaf | undefined;
  }
  return chain;
}

/** Install the catch-all route on `app`. */
export function installRoutes(app: FastifyInstance, dispatch: Dispatch, log: Logger, audit?: AuditSink): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const apiErr = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? tooLarge() : err instanceof ApiError ? err : new ApiError(err.statusCode && err.statusCode < 500 ? err.statusCode : 500, err.statusCode === 400 ? 'BadRequest' : 'InternalError', err.statusCode && err.statusCode < 500 ? err.message : 'Internal error occurred');
    void reply.code(apiErr.code).type('application/json').send(JSON.stringify(apiErr.toStatus()));
  });
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const req = withRequestInfo({
      method: request.method,
      url: request.url,
      headers: request.headers,
      remoteAddress: request.socket.remoteAddress ?? '',
      peerCertificates: peerChain(request.socket as TLSSocket),
      body: Buffer.isBuffer(request.body) ? request.body : undefined,
    });
    let result: ApiResponse | StreamResponse | RelayedResponse;
    try {
      result = await dispatch(req);
    } catch (err) {
      const apiErr = asApiError(err);
      if (!(err instanceof ApiError)) log.error({ err, path: req.info.path, verb: req.info.verb }, 'request failed');
      audit?.record(req, 'ResponseComplete', apiErr.code);
      await reply.code(apiErr.code).type('application/json').send(JSON.stringify(apiErr.toStatus()));
      return;
    }
    if (isRelayed(result)) {
      relayResponse(request, reply, result, req, audit);
      return;
    }
    if ('stream' in result) {
      streamResponse(request, reply, result, req, audit);
      return;
    }
    audit?.record(req, 'ResponseComplete', result.status);
    for (const [k, v] of Object.entries(result.headers ?? {})) reply.header(k, v);
    const body = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
    if (!reply.hasHeader('content-type')) reply.type('application/json');
    await reply.code(result.status).send(request.method === 'HEAD' ? '' : body);
  };
  app.all('/', handler);
  app.all('/*', handler);
}

function streamResponse(request: FastifyRequest, reply: FastifyReply, result: StreamResponse, req: ApiRequest, audit?: AuditSink): void {
  reply.hijack();
  const res = reply.raw;
  let headersSent = false;
  const sendHeaders = (): void => {
    if (headersSent) return;
    headersSent = true;
    res.writeHead(200, { 'content-type': result.contentType, 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
    res.flushHeaders();
    audit?.record(req, 'ResponseStarted', 200);
  };
  const sink: WatchSink = {
    write(line) {
      sendHeaders();
      return res.write(line);
    },
    pending: () => res.writableLength,
    end() {
      sendHeaders();
      res.end();
    },
    onClose(cb) {
      request.raw.once('close', cb);
      res.once('close', cb);
    },
  };
  try {
    result.stream(sink);
    sendHeaders();
  } catch (err) {
    const apiErr = asApiError(err);
    audit?.record(req, 'ResponseComplete', apiErr.code);
    // An expired resourceVersion reaches watchers as an ERROR event (the watch cache's errWatcher), not as a 410.
    if (apiErr.code === 410) sendHeaders();
    if (!headersSent) {
      res.writeHead(apiErr.code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(apiErr.toStatus()));
    } else {
      res.end(`${JSON.stringify({ type: 'ERROR', object: apiErr.toStatus() })}\n`);
    }
  }
}

// The backend's status and headers, then its body piped with backpressure; a client that leaves destroys the
// backend stream (and with it the backend connection).
function relayResponse(request: FastifyRequest, reply: FastifyReply, result: RelayedResponse, req: ApiRequest, audit?: AuditSink): void {
  reply.hijack();
  const res = reply.raw;
  const { status, headers, body } = result.relay;
  res.writeHead(status, headers);
  res.flushHeaders();
  audit?.record(req, 'ResponseStarted', status);
  if (request.method === 'HEAD') {
    body.destroy();
    res.end();
    return;
  }
  pipeline(body, res, () => audit?.record(req, 'ResponseComplete', status));
}

/**
 * Take upgrade requests from the server's `upgrade` event: request info → authentication → authorization →
 * the handler, with 401/403 and other errors written as HTTP responses carrying Status JSON on the raw
 * connection. Paths without an upgrade handler are served as ordinary requests.
 */
export function installUpgrades(app: FastifyInstance, routing: UpgradeRouting, log: Logger, audit?: AuditSink): void {
  const open = new Set<Duplex>();
  app.server.on('upgrade', (raw: IncomingMessage, socket: Duplex, head: Buffer) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    void serveUpgrade(app, routing, { raw, socket, head }, log, audit);
  });
  // Upgraded connections are no longer the HTTP server's: without this, close() would wait for them forever.
  app.addHook('preClose', (done) => {
    for (const socket of open) socket.destroy();
    done();
  });
}

async function serveUpgrade(
  app: FastifyInstance,
  routing: UpgradeRouting,
  incoming: { raw: IncomingMessage; socket: Duplex; head: Buffer },
  log: Logger,
  audit?: AuditSink,
): Promise<void> {
  const { raw, socket, head } = incoming;
  socket.on('error', () => socket.destroy());
  const req = withRequestInfo({
    method: raw.method ?? 'GET',
    url: raw.url ?? '/',
    headers: raw.headers,
    remoteAddress: raw.socket.remoteAddress ?? '',
    peerCertificates: peerChain(socket as TLSSocket),
  });
  const handler = routing.handlerFor(req.info);
  if (!handler) {
    serveAsOrdinaryRequest(app, raw, socket);
    return;
  }
  try {
    await routing.admit(req);
    const outcome = await handler(req, { socket, head, rawHeaders: raw.rawHeaders });
    const status = outcomeStatus(outcome);
    if (outcome.kind === 'spliced') {
      audit?.record(req, 'ResponseStarted', status);
      void outcome.finished.then(() => audit?.record(req, 'ResponseComplete', status));
    } else {
      audit?.record(req, 'ResponseComplete', status);
    }
  } catch (err) {
    const apiErr = asApiError(err);
    if (!(err instanceof ApiError)) log.error({ err, path: req.info.path, verb: req.info.verb }, 'upgrade request failed');
    audit?.record(req, 'ResponseComplete', apiErr.code);
    writeStatusResponse(socket, apiErr);
  }
}

// An Upgrade header on a path that never upgrades is ignored, as the apiserver ignores it: the request is
// answered as an ordinary one by the same routes, on a response bound to the raw connection.
function serveAsOrdinaryRequest(app: FastifyInstance, raw: IncomingMessage, socket: Duplex): void {
  const res = new ServerResponse(raw);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => endGracefully(socket));
  // The HTTP parser stopped at the head: an upgrade request carries no body it would deliver.
  raw.push(null);
  app.routing(raw, res);
}
