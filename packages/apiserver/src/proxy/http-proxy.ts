// One ordinary (non-upgrade) HTTP request over an already-open backend connection. Redirects are answers like
// any other: they are never followed here.
import { request, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** One request to send. */
export interface BackendRequest {
  /** The open (and, for kubelets, verified) connection. */
  connection: Duplex;
  url: URL;
  method: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
}

/** A failure after the connection was open, worded as Go's net/http reports it. */
export class BackendRequestError extends Error {
  override name = 'BackendRequestError';
}

/** Send `req`; resolves with the response once its head has arrived (the body is still to be read). */
export function sendBackendRequest(req: BackendRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    const body = req.body && req.body.length > 0 ? req.body : undefined;
    if (body) headers['content-length'] = String(body.length);
    else if (!['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(req.method.toUpperCase())) headers['content-length'] = '0';
    const outgoing = request({
      createConnection: () => req.connection,
      method: req.method.toUpperCase(),
      path: `${req.url.pathname}${req.url.search}`,
      headers,
      setHost: !('host' in headers),
      host: req.url.hostname,
      port: req.url.port,
    });
    outgoing.once('response', (res) => {
      // One request per connection: once the body is read or abandoned the connection goes too.
      res.once('close', () => req.connection.destroy());
      resolve(res);
    });
    outgoing.once('error', (err: NodeJS.ErrnoException) => {
      req.connection.destroy();
      reject(new BackendRequestError(err.code === 'ECONNRESET' ? 'EOF' : 'malformed HTTP response'));
    });
    outgoing.end(body);
  });
}
