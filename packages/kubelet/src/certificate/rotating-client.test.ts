import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createCA, issueCertificate } from '@hubspoke/pki';
import type { CertKey } from '@hubspoke/pki';
import { createRotatingClient } from './rotating-client.ts';

let ca: CertKey;
let server: https.Server;
let url: string;
let a: CertKey;
let b: CertKey;

beforeAll(async () => {
  ca = await createCA({ commonName: 'rotation-ca' });
  const serving = await issueCertificate({ ca, commonName: 'apiserver', ipAddresses: ['127.0.0.1'], usage: 'server' });
  [a, b] = await Promise.all(
    ['system:node:old', 'system:node:new'].map((commonName) => issueCertificate({ ca, commonName, usage: 'client' })),
  );
  // /whoami answers with the client certificate's CN; /watch streams one event per presented CN and stays open.
  server = https.createServer({ cert: serving.cert, key: serving.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
    if (req.url?.startsWith('/watch')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: cn } } })}\n`);
      return;
    }
    res.end(JSON.stringify({ metadata: { name: cn } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('rotating client', () => {
  it('presents the new certificate on new requests and ends watches opened with the old one', async () => {
    const client = createRotatingClient({ server: url, caCert: ca.cert, clientCert: a.cert, clientKey: a.key });
    try {
      expect((await client.get('/whoami')).metadata.name).toBe('system:node:old');
      const iterator = client.watch('/watch')[Symbol.asyncIterator]();
      expect((await iterator.next()).value?.object.metadata.name).toBe('system:node:old');
      const ended = iterator.next().then(
        (r) => (r.done ? 'done' : 'event'),
        () => 'error',
      );

      client.setClientCertificate({ certPem: b.cert, keyPem: b.key });
      // The old connection is gone: the watch ends (as an error the informer relists on).
      expect(await ended).not.toBe('event');
      expect((await client.get('/whoami')).metadata.name).toBe('system:node:new');
      const reopened = client.watch('/watch')[Symbol.asyncIterator]();
      expect((await reopened.next()).value?.object.metadata.name).toBe('system:node:new');
      await reopened.return?.();
    } finally {
      client.close();
    }
  });
});
