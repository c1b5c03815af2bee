import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '@hubspoke/api';
import { createCA, issueCertificate } from '@hubspoke/pki';
import { createClient } from './client.ts';
import type { ApiClient } from './client.ts';
import { sendJson, startFakeHttpsServer } from './testing/fake-https-server.ts';
import type { FakeHttpsServer } from './testing/fake-https-server.ts';

let server: FakeHttpsServer;
let client: ApiClient;

beforeAll(async () => {
  server = await startFakeHttpsServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  client?.close();
  client = createClient({ server: server.url, caCert: server.caCert, token: 'secret-token', userAgent: 'test-agent/1' });
  server.handle((req, res) => sendJson(res, 200, { kind: 'Echo', metadata: { name: 'x' }, method: req.method }));
});

describe('ApiClient', () => {
  it('GETs JSON with the bearer token, Accept and User-Agent', async () => {
    const obj = await client.get<{ kind: string; method: string }>('/api/v1/nodes/n1');
    expect(obj).toMatchObject({ kind: 'Echo', method: 'GET' });
    const [req] = server.requests;
    expect(req.url).toBe('/api/v1/nodes/n1');
    expect(req.headers.authorization).toBe('Bearer secret-token');
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['user-agent']).toBe('test-agent/1');
  });

  it('lists with selectors and limit in the query', async () => {
    server.handle((_req, res) =>
      sendJson(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [] }),
    );
    const list = await client.list('/api/v1/pods', { fieldSelector: 'spec.nodeName=n1', labelSelector: 'a=b', limit: 10 });
    expect(list.metadata.resourceVersion).toBe('7');
    const url = new URL(server.requests[0].url, 'https://x');
    expect(url.searchParams.get('fieldSelector')).toBe('spec.nodeName=n1');
    expect(url.searchParams.get('labelSelector')).toBe('a=b');
    expect(url.searchParams.get('limit')).toBe('10');
  });

  it('POSTs a create as JSON with the field manager', async () => {
    await client.create('/api/v1/nodes', { kind: 'Node', metadata: { name: 'n1' } }, { fieldManager: 'kubelet' });
    const [req] = server.requests;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/v1/nodes?fieldManager=kubelet');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ kind: 'Node', metadata: { name: 'n1' } });
  });

  it('PUTs an update to the object path', async () => {
    await client.update('/api/v1/nodes/n1', { metadata: { name: 'n1', resourceVersion: '3' } });
    expect(server.requests[0]).toMatchObject({ method: 'PUT', url: '/api/v1/nodes/n1' });
  });

  it('sends each patch type with its content type', async () => {
    await client.patch('/api/v1/nodes/n1/status', { status: {} }, 'merge');
    await client.patch('/api/v1/nodes/n1/status', [{ op: 'add', path: '/x', value: 1 }], 'json');
    await client.patch('/api/v1/nodes/n1/status', { status: {} }, 'strategic');
    expect(server.requests.map((r) => r.headers['content-type'])).toEqual([
      'application/merge-patch+json',
      'application/json-patch+json',
      'application/strategic-merge-patch+json',
    ]);
    expect(server.requests.every((r) => r.method === 'PATCH')).toBe(true);
  });

  it('DELETEs with DeleteOptions, keeping a zero grace period', async () => {
    await client.delete('/api/v1/namespaces/ns/pods/p', { gracePeriodSeconds: 0, preconditions: { uid: 'u1' } });
    const [req] = server.requests;
    expect(req.method).toBe('DELETE');
    expect(JSON.parse(req.body)).toEqual({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u1' },
    });
  });

  it('turns a Status answer into an ApiError with its code, reason and message', async () => {
    server.handle((_req, res) =>
      sendJson(res, 404, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'nodes "n9" not found',
        reason: 'NotFound',
        details: { name: 'n9', kind: 'nodes' },
        code: 404,
      }),
    );
    const err = await client.get('/api/v1/nodes/n9').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 404, reason: 'NotFound', message: 'nodes "n9" not found', details: { name: 'n9' } });
  });

  it('turns a plain-text error into an ApiError keyed by the HTTP status', async () => {
    server.handle((_req, res) => {
      res.writeHead(409, { 'Content-Type': 'text/plain' });
      res.end('conflict here\n');
    });
    const err = await client.update('/api/v1/nodes/n1', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 409, reason: 'Conflict', message: 'conflict here' });
  });

  it('returns raw responses whatever their status', async () => {
    server.handle((_req, res) => {
      res.writeHead(418, { 'X-Test': 'yes' });
      res.end('teapot');
    });
    const res = await client.raw('GET', '/teapot', { headers: { 'X-Custom': '1' } });
    expect(res.status).toBe(418);
    expect(res.headers['x-test']).toBe('yes');
    expect(res.body.toString()).toBe('teapot');
    expect(server.requests[0].headers['x-custom']).toBe('1');
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const before = server.connections();
    await client.get('/a');
    await client.get('/b');
    await client.get('/c');
    expect(server.connections() - before).toBe(1);
    expect(new Set(server.requests.map((r) => r.connection)).size).toBe(1);
  });
});

describe('TLS', () => {
  it('refuses a server whose certificate is signed by another CA', async () => {
    const other = await createCA({ commonName: 'other' });
    const strict = createClient({ server: server.url, caCert: other.cert });
    const err = await strict.get('/x').catch((e: unknown) => e);
    strict.close();
    expect(err).not.toBeInstanceOf(ApiError);
    expect(String((err as Error).message)).toMatch(/certificate/i);
  });

  it('accepts any server certificate with insecureSkipTLSVerify', async () => {
    const insecure = createClient({ server: server.url, insecureSkipTLSVerify: true });
    await expect(insecure.get('/x')).resolves.toMatchObject({ kind: 'Echo' });
    insecure.close();
  });

  it('presents the client certificate', async () => {
    const user = await issueCertificate({
      ca: { cert: server.caCert, key: server.caKey },
      commonName: 'system:node:n1',
      organizations: ['system:nodes'],
      usage: 'client',
    });
    const withCert = createClient({ server: server.url, caCert: server.caCert, clientCert: user.cert, clientKey: user.key });
    await withCert.get('/x');
    withCert.close();
    expect(server.requests.at(-1)?.clientCN).toBe('system:node:n1');
  });

  it('rejects a certificate without its key at construction', () => {
    expect(() => createClient({ server: server.url, clientCert: 'x' })).toThrow(/clientCert and clientKey/);
    expect(() => createClient({ server: 'ftp://x' })).toThrow(/https:\/\/ or http:\/\//);
  });
});
