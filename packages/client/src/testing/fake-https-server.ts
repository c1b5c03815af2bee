// A scripted HTTPS server for client tests: real TLS on 127.0.0.1:0, every request recorded with its body.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createCA, issueCertificate } from '@hubspoke/pki';

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** CN of the client certificate, when one was presented. */
  clientCN?: string;
  /** Which TCP connection carried it (1, 2, …), to observe keep-alive. */
  connection: number;
}

/** Answers one request; the body has already been read. */
export type FakeHandler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

/** A running fake server. */
export interface FakeHttpsServer {
  url: string;
  /** PEM of the CA that signed the serving certificate (and that client certificates must chain to). */
  caCert: string;
  caKey: string;
  requests: RecordedRequest[];
  /** Replaces the handler. */
  handle(handler: FakeHandler): void;
  /** Number of TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a fake server whose certificate is valid for 127.0.0.1 and signed by a fresh CA. */
export async function startFakeHttpsServer(handler: FakeHandler = notFound): Promise<FakeHttpsServer> {
  const ca = await createCA({ commonName: 'fake-ca' });
  const serving = await issueCertificate({ ca, commonName: 'fake-apiserver', ipAddresses: ['127.0.0.1'], usage: 'server' });
  let current = handler;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let connectionCount = 0;
  const connectionIds = new WeakMap<Socket, number>();

  const server = https.createServer(
    { key: serving.key, cert: serving.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: false },
    async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const tls = req.socket as TLSSocket;
      const peer = tls.authorized ? tls.getPeerCertificate() : undefined;
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        clientCN: peer?.subject?.CN as string | undefined,
        connection: connectionIds.get(req.socket) ?? 0,
      };
      requests.push(recorded);
      try {
        await current(recorded, res);
      } catch {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    },
  );
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    connectionIds.set(socket, ++connectionCount);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    caCert: ca.cert,
    caKey: ca.key,
    requests,
    handle: (h) => (current = h),
    connections: () => connectionCount,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function notFound(_req: RecordedRequest, res: ServerResponse): void {
  sendJson(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
}
