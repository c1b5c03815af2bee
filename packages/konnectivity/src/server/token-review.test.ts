import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPki } from '../testing/fixture.ts';
import { apiserverTokenReviewer } from './token-review.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

describe('apiserver token reviewer', () => {
  it('posts a TokenReview with the audiences and the kubeconfig credentials, and reads the status', async () => {
    const pki = await createTestPki();
    const seen: Array<{ path?: string; auth?: string; body: unknown }> = [];
    server = createServer({ cert: pki.serverCert.cert, key: pki.serverCert.key }, (req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c));
      req.on('end', () => {
        seen.push({ path: req.url, auth: req.headers.authorization, body: JSON.parse(text) });
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'TokenReview', status: { authenticated: true, user: { username: 'system:serviceaccount:kube-system:konnectivity-agent' }, audiences: ['system:konnectivity-server'] } }));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const review = apiserverTokenReviewer({
      contextName: 'default',
      server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
      caCert: pki.ca.cert,
      token: 'server-credential',
      insecureSkipTLSVerify: false,
    });
    const result = await review('agent-token', ['system:konnectivity-server']);
    expect(result).toEqual({ authenticated: true, username: 'system:serviceaccount:kube-system:konnectivity-agent', audiences: ['system:konnectivity-server'] });
    expect(seen).toEqual([
      {
        path: '/apis/authentication.k8s.io/v1/tokenreviews',
        auth: 'Bearer server-credential',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'agent-token', audiences: ['system:konnectivity-server'] } },
      },
    ]);
  });
});
