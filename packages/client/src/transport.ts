// Moves bytes to and from one apiserver over a keep-alive agent. It knows TLS and headers, nothing about
// Kubernetes objects; client.ts and watch.ts build on it.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { DEFAULT_USER_AGENT, validateClientConfig } from './config.ts';
import type { ClientConfig } from './config.ts';

/** One HTTP request. */
export interface TransportRequest {
  method: string;
  /** Path plus query, relative to the server URL. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  signal?: AbortSignal;
  /** Overrides the configured deadline; 0 disables it (watches). */
  timeoutMs?: number;
}

/** A response whose body has been read completely. */
export interface BufferedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The connection to one apiserver. */
export interface Transport {
  readonly server: URL;
  /** Sends the request and resolves when response headers arrive; the caller consumes the body. */
  stream(req: TransportRequest): Promise<IncomingMessage>;
  /** Sends the request and reads the whole body. */
  send(req: TransportRequest): Promise<BufferedResponse>;
  /** Destroys every socket, ending in-flight requests and watches. */
  close(): void;
}

/** A Transport for `config`; throws if the config is unusable. */
export function createTransport(config: ClientConfig): Transport {
  const server = validateClientConfig(config);
  const secure = server.protocol === 'https:';
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        ca: config.caCert,
        cert: config.clientCert,
        key: config.clientKey,
        rejectUnauthorized: !config.insecureSkipTLSVerify,
      })
    : new http.Agent({ keepAlive: true });
  const prefix = server.pathname.replace(/\/+$/, '');
  const defaultTimeout = config.timeoutMs ?? 30_000;

  function stream(req: TransportRequest): Promise<IncomingMessage> {
    const headers: Record<string, string> = {
      'User-Agent': config.userAgent ?? DEFAULT_USER_AGENT,
      Accept: 'application/json',
      ...req.headers,
    };
    if (config.token) headers.Authorization = `Bearer ${config.token}`;
    const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
    if (body) headers['Content-Length'] = String(body.length);

    const timeoutMs = req.timeoutMs ?? defaultTimeout;
    const signals = [req.signal, timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];

    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request({
        protocol: server.protocol,
        hostname: server.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: server.port || (secure ? 443 : 80),
        method: req.method,
        path: prefix + req.path,
        headers,
        agent,
        signal,
        ...(secure && config.tlsServerName ? { servername: config.tlsServerName } : {}),
      });
      request.once('response', (res) => {
        // Readers see stream errors through their iterator; this keeps a late abort from being unhandled.
        res.on('error', () => {});
        resolve(res);
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  async function send(req: TransportRequest): Promise<BufferedResponse> {
    const res = await stream(req);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
  }

  return {
    server,
    stream,
    send,
    close: () => agent.destroy(),
  };
}
