// Test helpers for the kubelet server: HTTPS requests and raw upgrade requests over real sockets, with an
// optional client certificate or headers, answered as status + headers + body.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';

/** How a test calls the kubelet. */
export interface WireRequest {
  port: number;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** CA the serving certificate must chain to; plain HTTP when absent. */
  ca?: string;
  /** Client certificate and key (PEM). */
  cert?: string;
  key?: string;
}

/** A response as a test reads it. */
export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends one request on a fresh connection. */
export function send(r: WireRequest): Promise<WireResponse> {
  const options = { host: '127.0.0.1', port: r.port, method: r.method ?? 'GET', path: r.path, headers: r.headers, agent: false as const };
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    };
    const req = r.ca ? https.request({ ...options, ca: r.ca, cert: r.cert, key: r.key }, onResponse) : http.request(options, onResponse);
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket upgrade's request headers (any key: the tests never complete a handshake themselves). */
export const WEBSOCKET_UPGRADE = {
  Connection: 'Upgrade',
  Upgrade: 'websocket',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Protocol': 'v5.channel.k8s.io',
};

/** Sends an upgrade request over TLS by hand and returns every byte the server wrote before closing. */
export function sendUpgrade(r: WireRequest & { ca: string }): Promise<string> {
  const headers = { Host: `127.0.0.1:${r.port}`, ...WEBSOCKET_UPGRADE, ...r.headers };
  const head = `${r.method ?? 'GET'} ${r.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: r.port, ca: r.ca, cert: r.cert, key: r.key }, () => socket.write(head));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => resolve(text));
    socket.on('error', (err) => (text ? resolve(text) : reject(err)));
  });
}

/** A concrete path for a route pattern, parameters filled with sample values. */
export function samplePath(pattern: string): string {
  return pattern.replace(/:[^/]+/g, 'x');
}
