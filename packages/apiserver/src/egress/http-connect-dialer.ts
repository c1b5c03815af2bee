// The `HTTPConnect` egress (Konnectivity's HTTP-CONNECT mode): every dial opens a connection to the proxy
// server (a Unix socket, or TCP with mutual TLS), asks it to `CONNECT host:port`, and on 200 hands the same
// connection over as the byte stream to the node. Failures carry k8s.io/apiserver's egressselector wording.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { DialError, goDialMessage, joinHostPort, type Dialer, type Endpoint } from '../kubelet/dialer.ts';

/** Where the proxy server listens: PEM contents for TLS (caBundle absent = the system's roots, as Go). */
export type ProxyServer = { kind: 'uds'; path: string } | { kind: 'tcp'; url: string; tls?: { ca?: string; cert: string; key: string } };

// A proxy that never ends its head must not grow memory without bound (Go caps it at DefaultMaxHeaderBytes).
const MAX_HEAD_BYTES = 1 << 20;
// Enough of an error body to explain itself.
const MAX_ERROR_BODY = 4096;

/** A Dialer that tunnels every connection through `proxy` with HTTP CONNECT. */
export function httpConnectDialer(proxy: ProxyServer): Dialer {
  const address = proxyAddress(proxy);
  return (endpoint, timeoutMs) =>
    new Promise((resolve, reject) => {
      const target = joinHostPort(endpoint);
      let stage: 'dialing' | 'head' | 'error-body' | 'done' = 'dialing';
      let head = Buffer.alloc(0);
      let failure = '';
      let bodyWanted = MAX_ERROR_BODY;
      const body: Buffer[] = [];
      const socket = openProxyConnection(proxy);
      const finish = (err?: DialError): void => {
        clearTimeout(timer);
        socket.removeListener('readable', onReadable);
        if (err) {
          socket.destroy();
          reject(err);
        }
      };
      const readFailed = (why: string): DialError => new DialError(`reading HTTP response from CONNECT to ${target} via proxy ${address} failed: ${why}`);
      const proxyError = (): DialError => {
        const text = Buffer.concat(body).toString('utf8').trim();
        return new DialError(`${failure}${text ? `: ${text}` : ''}`);
      };
      const timer = setTimeout(() => {
        if (stage === 'dialing') finish(new DialError(`dialing proxy ${JSON.stringify(address)} failed: ${proxy.kind === 'uds' ? `dial unix ${proxy.path}` : `dial tcp ${address}`}: i/o timeout`));
        else if (stage === 'head') finish(readFailed('i/o timeout'));
        else finish(proxyError());
      }, timeoutMs);
      const onConnected = (): void => {
        stage = 'head';
        // RFC 9110's Host for CONNECT is the target; Go's egressselector sends `Host: 127.0.0.1`, which proxies ignore.
        socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
        socket.on('readable', onReadable);
      };
      // `readable` + read() rather than `data`: once the listener goes, the stream is neither flowing nor paused,
      // so the reader's own `data` listener or pipe starts it, with any unread bytes still in the buffer.
      const onReadable = (): void => {
        let chunk: Buffer | null;
        while (stage !== 'done' && (chunk = socket.read() as Buffer | null) !== null) onData(chunk);
      };
      const onData = (chunk: Buffer): void => {
        if (stage === 'error-body') return collectBody(chunk);
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > MAX_HEAD_BYTES) finish(readFailed('header too large'));
          return;
        }
        const status = parseStatus(head.subarray(0, end).toString('latin1'));
        const rest = head.subarray(end + 4);
        if (!status) return finish(readFailed(`malformed HTTP response ${JSON.stringify(head.subarray(0, end).toString('latin1').split('\r\n')[0])}`));
        if (status.code === 200) {
          stage = 'done';
          finish();
          socket.removeListener('error', onError);
          socket.on('error', () => {}); // later errors reach the reader as a close
          // Go refuses bytes that follow the 200 ("unexpected … bytes of buffered data"); they belong to the stream.
          if (rest.length) socket.unshift(rest);
          return resolve(socket);
        }
        stage = 'error-body';
        failure = `proxy error from ${address} while dialing ${target}, code ${status.code}: ${status.status}`;
        bodyWanted = Math.min(status.contentLength ?? MAX_ERROR_BODY, MAX_ERROR_BODY);
        collectBody(rest);
      };
      const collectBody = (chunk: Buffer): void => {
        if (chunk.length) body.push(chunk);
        if (body.reduce((n, b) => n + b.length, 0) >= bodyWanted) finish(proxyError());
      };
      const onError = (err: NodeJS.ErrnoException): void => {
        if (stage === 'dialing') finish(new DialError(`dialing proxy ${JSON.stringify(address)} failed: ${dialProxyMessage(proxy, address, err)}`));
        else if (stage === 'head') finish(readFailed(err.code === 'ECONNRESET' ? 'read: connection reset by peer' : 'unexpected EOF'));
        else finish(proxyError());
      };
      socket.once(proxy.kind === 'tcp' && proxy.url.startsWith('https://') ? 'secureConnect' : 'connect', onConnected);
      socket.on('error', onError);
      socket.once('end', () => {
        if (stage === 'head') finish(readFailed(head.length ? 'unexpected EOF' : 'EOF'));
        else if (stage === 'error-body') finish(proxyError());
      });
    });
}

/** `host:port` of a TCP proxy URL (default ports filled in), or the socket path. */
export function proxyAddress(proxy: ProxyServer): string {
  if (proxy.kind === 'uds') return proxy.path;
  const url = new URL(proxy.url);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

function openProxyConnection(proxy: ProxyServer): Socket {
  if (proxy.kind === 'uds') return netConnect({ path: proxy.path });
  const url = new URL(proxy.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (url.protocol !== 'https:') return netConnect({ host, port });
  // The proxy is verified (caBundle, else system roots) and we present the client pair: Konnectivity's mTLS.
  return tlsConnect({ host, port, servername: /^[\d.]+$|:/.test(host) ? undefined : host, ca: proxy.tls?.ca, cert: proxy.tls?.cert, key: proxy.tls?.key });
}

const TLS_VERIFY: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls: failed to verify certificate: x509: certificate signed by unknown authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls: failed to verify certificate: x509: certificate signed by unknown authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls: failed to verify certificate: x509: certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls: failed to verify certificate: x509: certificate signed by unknown authority',
  CERT_HAS_EXPIRED: 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls: failed to verify certificate: x509: certificate is valid for other names',
};

function dialProxyMessage(proxy: ProxyServer, address: string, err: NodeJS.ErrnoException): string {
  if (proxy.kind === 'uds') {
    const detail = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'ECONNREFUSED' ? 'connection refused' : (err.code ?? 'error').toLowerCase();
    return `dial unix ${proxy.path}: connect: ${detail}`;
  }
  if (err.code && TLS_VERIFY[err.code]) return TLS_VERIFY[err.code];
  if (err.code?.startsWith('ERR_SSL')) return `remote error: tls: ${err.message}`;
  const colon = address.lastIndexOf(':');
  return goDialMessage({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) } satisfies Endpoint, err);
}

function parseStatus(head: string): { code: number; status: string; contentLength?: number } | undefined {
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(head.split('\r\n')[0]);
  if (!m) return undefined;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  return { code: Number(m[1]), status: `${m[1]} ${m[2] ?? ''}`.trim(), contentLength: length ? Number(length[1]) : undefined };
}
