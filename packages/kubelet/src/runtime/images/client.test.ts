import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logRecords, runtimeFixture, testPod, waitForLog } from '../testing.ts';
import { SERVICE_ACCOUNT_DIR } from './client.ts';

const pod = testPod(26, 'client-0');
const APISERVER_IP = '127.244.250.27';
const USER = 'system:serviceaccount:default:default';

async function makeCa() {
  return generate([{ name: 'commonName', value: 'test-ca' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
    ],
  });
}

describe('hubspoke/client', () => {
  let ca: Awaited<ReturnType<typeof makeCa>>;
  let apiserver: Server;
  let port: number;
  let allowList = true;
  const seen: { method?: string; url?: string; auth?: string; from?: string }[] = [];
  let fixture: Awaited<ReturnType<typeof runtimeFixture>>;

  beforeAll(async () => {
    ca = await makeCa();
    const serving = await generate([{ name: 'commonName', value: 'kube-apiserver' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: APISERVER_IP }] },
      ],
    });
    apiserver = createServer({ key: serving.private, cert: serving.cert }, (req, res) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, from: req.socket.remoteAddress });
      const json = (code: number, body: unknown) => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== 'Bearer good-token') return json(401, { kind: 'Status', code: 401, message: 'Unauthorized' });
      if (req.method === 'POST' && req.url === '/apis/authentication.k8s.io/v1/selfsubjectreviews') {
        return json(201, { kind: 'SelfSubjectReview', status: { userInfo: { username: USER } } });
      }
      if (req.method === 'GET' && req.url === '/api/v1/namespaces/default/pods') {
        if (allowList) return json(200, { kind: 'PodList', items: [{}, {}] });
        return json(403, {
          kind: 'Status',
          code: 403,
          reason: 'Forbidden',
          message: `pods is forbidden: User "${USER}" cannot list resource "pods" in API group "" in the namespace "default"`,
        });
      }
      json(404, { kind: 'Status', code: 404, message: 'not found' });
    });
    await new Promise<void>((resolve) => apiserver.listen(0, APISERVER_IP, resolve));
    port = (apiserver.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => apiserver.close(() => resolve())));
  beforeEach(async () => {
    fixture = await runtimeFixture(pod);
    seen.length = 0;
    allowList = true;
  });
  afterEach(() => fixture.cleanup());

  const serviceAccountFiles = (token: string | undefined, caPem: string) =>
    new Map([
      ...(token ? [[`${SERVICE_ACCOUNT_DIR}/token`, token] as [string, string]] : []),
      [`${SERVICE_ACCOUNT_DIR}/ca.crt`, caPem],
      [`${SERVICE_ACCOUNT_DIR}/namespace`, 'default'],
    ]);
  const env = () => ({ KUBERNETES_SERVICE_HOST: APISERVER_IP, KUBERNETES_SERVICE_PORT: String(port), INTERVAL_MS: '20' });

  it('lists pods as its ServiceAccount, from the pod IP, with the bearer token', async () => {
    const handle = await fixture.start({ image: 'hubspoke/client', env: env(), files: serviceAccountFiles('good-token', ca.cert) });
    await waitForLog(handle, new RegExp(`^stdout F listed 2 pods as ${USER}$`));
    expect(seen[0]).toEqual({
      method: 'POST',
      url: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      auth: 'Bearer good-token',
      from: pod.ip,
    });
    expect(seen[1]).toMatchObject({ method: 'GET', url: '/api/v1/namespaces/default/pods' });
  });

  it('logs a 403 with the apiserver message and keeps trying', async () => {
    allowList = false;
    const handle = await fixture.start({ image: 'hubspoke/client', env: env(), files: serviceAccountFiles('good-token', ca.cert) });
    await waitForLog(handle, /^stderr F error: 403 Forbidden: pods is forbidden: User "system:serviceaccount:default:default" cannot list/);
    allowList = true;
    await waitForLog(handle, /^stdout F listed 2 pods as /);
  });

  it('reports a missing token and retries every interval', async () => {
    const handle = await fixture.start({ image: 'hubspoke/client', env: env(), files: serviceAccountFiles(undefined, ca.cert) });
    await waitForLog(handle, /error: no service account token/);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const errors = (await logRecords(handle)).filter((r) => r.includes('no service account token'));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual([]);
  });

  it('reports missing KUBERNETES_SERVICE_HOST', async () => {
    const handle = await fixture.start({ image: 'hubspoke/client', env: { INTERVAL_MS: '60000' }, files: serviceAccountFiles('t', ca.cert) });
    await waitForLog(handle, /^stderr F error: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set$/);
  });

  it('refuses an apiserver whose certificate its ca.crt does not vouch for', async () => {
    const other = await makeCa();
    const handle = await fixture.start({ image: 'hubspoke/client', env: env(), files: serviceAccountFiles('good-token', other.cert) });
    const [record] = await waitForLog(handle, /^stderr F error: .*/);
    expect(record).toMatch(/certificate/i);
    expect(seen).toEqual([]);
    expect(await handle.stop(5000)).toMatchObject({ exitCode: 0 });
  });
});
