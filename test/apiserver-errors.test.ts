// Bad input gets the Status a real apiserver returns, the server keeps serving, and nothing stored is lost.
// Spoken over real HTTPS with a client certificate.
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '@hubspoke/lab';

let cluster: Cluster;

interface Raw {
  status: number;
  body: any;
  text: string;
}

function raw(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Raw> {
  return rawAs({ cert: cluster.pki.admin.cert, key: cluster.pki.admin.key }, method, path, headers, body);
}

function rawAs(client: { cert: string; key: string } | undefined, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Raw> {
  const url = new URL(path, cluster.server);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: cluster.pki.ca.cert,
        ...(client ?? {}),
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  // A small watch history (per resource), so that revision 1 of configmaps can be compacted away.
  cluster = await startCluster({ nodes: 1, apiserver: { watchCacheSize: 20 } });
  await cluster.admin.create('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep' }, data: { a: '1' } });
  // More changes than the history holds, so early revisions of configmaps are compacted away.
  for (let i = 0; i < 25; i++) {
    await cluster.admin.create('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `filler-${i}` } });
  }
});

afterAll(async () => {
  await cluster?.close();
});

describe('apiserver error answers', () => {
  it('answers a malformed body with 400 BadRequest', async () => {
    const r = await raw('POST', '/api/v1/namespaces/default/configmaps', '{"metadata": ');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400 });
    expect(r.body.message).toMatch(/^couldn't get version\/kind; json parse error: /);
  });

  it('answers a bad bearer token with 401 Unauthorized even though anonymous requests are enabled', async () => {
    const r = await rawAs(undefined, 'GET', '/api/v1/namespaces', { authorization: 'Bearer nope' });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    const anonymous = await rawAs(undefined, 'GET', '/api/v1/namespaces');
    expect(anonymous.status).toBe(403);
    expect(anonymous.body.message).toBe('namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope');
  });

  it('answers an unknown resource with 404 NotFound', async () => {
    const r = await raw('GET', '/api/v1/namespaces/default/widgets');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource', code: 404 });
  });

  it('answers a bad label selector with 400', async () => {
    const r = await raw('GET', '/api/v1/namespaces/default/pods?labelSelector=' + encodeURIComponent('a in (b'));
    expect(r.status).toBe(400);
    expect(r.body.reason).toBe('BadRequest');
  });

  it('answers an unsupported field selector with 400 naming the field', async () => {
    const r = await raw('GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.bogus%3Dx');
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('spec.bogus');
  });

  it('answers a stale resourceVersion with 409 Conflict', async () => {
    const current = (await raw('GET', '/api/v1/namespaces/default/configmaps/keep')).body;
    const first = await raw('PUT', '/api/v1/namespaces/default/configmaps/keep', JSON.stringify({ ...current, data: { a: '2' } }));
    expect(first.status).toBe(200);
    const stale = await raw('PUT', '/api/v1/namespaces/default/configmaps/keep', JSON.stringify({ ...current, data: { a: '3' } }));
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on configmaps "keep": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('answers an invalid object with 422 Invalid naming the field', async () => {
    const r = await raw('POST', '/api/v1/namespaces/default/pods', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Bad_Name' }, spec: { containers: [] } }));
    expect(r.status).toBe(422);
    expect(r.body.reason).toBe('Invalid');
    expect(r.body.message).toContain('metadata.name: Invalid value: "Bad_Name"');
    expect(r.body.message).toContain('spec.containers: Required value');
  });

  it('answers a watch from a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const r = await raw('GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&timeoutSeconds=5');
    expect(r.status).toBe(200);
    const events = r.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('ERROR');
    expect(events[0].object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(events[0].object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  it('refuses a body over 3 MiB with 413 and keeps serving', async () => {
    const r = await raw('POST', '/api/v1/namespaces/default/configmaps', Buffer.alloc(3 * 1024 * 1024 + 10, 'a'));
    expect(r.status).toBe(413);
    expect(r.body.kind).toBe('Status');
  });

  it('still serves, and lost nothing, after all of the above', async () => {
    const v = await raw('GET', '/version');
    expect(v.body).toMatchObject({ major: '1', minor: '32' });
    const keep = await raw('GET', '/api/v1/namespaces/default/configmaps/keep');
    expect(keep.body.data).toEqual({ a: '2' });
  });
});
