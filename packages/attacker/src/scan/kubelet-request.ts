// One plain request to a kubelet port, as a scanner sends it: HTTPS without verifying the kubelet (or plain
// HTTP for the read-only port), optional credentials, a bounded body, and the answer or the reason there was
// none. Never rejects: a probe that cannot connect is a finding too.
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { ScanCredentials } from './types.ts';

/** What to send. */
export interface KubeletRequest {
  scheme: 'https' | 'http';
  host: string;
  port: number;
  method: 'GET' | 'POST';
  /** Path and query. */
  path: string;
  /** Sent as an `application/x-www-form-urlencoded` body. */
  form?: URLSearchParams;
  credentials?: ScanCredentials;
  timeoutMs: number;
  /** Bytes of body kept; the rest is not read (default 1 MiB). */
  maxBodyBytes?: number;
}

/** An answer (status and the kept body) or why there was none. */
export type KubeletResponse =
  | { kind: 'answered'; status: number; body: string }
  | { kind: 'failed'; error: string };

const DEFAULT_MAX_BODY = 1024 * 1024;

/** TLS options of every scanner connection: never verify the kubelet; present the client certificate if any. */
export function tlsClientOptions(credentials: ScanCredentials | undefined): { rejectUnauthorized: false; cert?: string; key?: string } {
  return {
    rejectUnauthorized: false,
    ...(credentials?.clientCertificate && credentials.clientKey ? { cert: credentials.clientCertificate, key: credentials.clientKey } : {}),
  };
}

/** The `Authorization` header of a bearer token, if any. */
export function credentialHeaders(credentials: ScanCredentials | undefined): Record<string, string> {
  return credentials?.token ? { authorization: `Bearer ${credentials.token}` } : {};
}

/** Sends one request. */
export function kubeletRequest(opts: KubeletRequest): Promise<KubeletResponse> {
  const body = opts.form ? Buffer.from(opts.form.toString()) : undefined;
  const headers: Record<string, string> = {
    ...(opts.scheme === 'https' ? credentialHeaders(opts.credentials) : {}),
    ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) } : {}),
  };
  const common = { host: opts.host, port: opts.port, method: opts.method, path: opts.path, headers, agent: false as const };
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: KubeletResponse) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        settle({ kind: 'answered', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        const room = max - size;
        if (room > 0) chunks.push(chunk.subarray(0, room));
        size += chunk.length;
        if (size >= max) finish();
      });
      res.once('end', finish);
      res.once('error', finish);
    };
    const req =
      opts.scheme === 'https'
        ? https.request({ ...common, ...tlsClientOptions(opts.credentials) }, onResponse)
        : http.request(common, onResponse);
    req.setTimeout(opts.timeoutMs, () => {
      settle({ kind: 'failed', error: `no answer within ${opts.timeoutMs} ms` });
      req.destroy();
    });
    req.once('error', (err: NodeJS.ErrnoException) => settle({ kind: 'failed', error: errorText(err) }));
    req.end(body);
  });
}

/** The certificates the kubelet sent, leaf first (DER). */
export function presentedChain(socket: TLSSocket): Buffer[] {
  const chain: Buffer[] = [];
  let cert = socket.getPeerCertificate(true);
  while (cert?.raw && chain.length < 10) {
    chain.push(cert.raw);
    if (!cert.issuerCertificate || cert.issuerCertificate === cert) break;
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** A socket error as evidence: Node's message, with the errno code when the message lacks it. */
export function errorText(err: NodeJS.ErrnoException): string {
  return err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;
}
