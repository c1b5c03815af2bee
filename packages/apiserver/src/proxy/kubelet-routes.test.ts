import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alwaysAllow } from '@hubspoke/auth';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import { parseRequestInfo } from '../request/request-info.ts';
import { startApiserver, type ApiserverHandle } from '../server.ts';
import { MemoryStorage } from '../storage/memory.ts';
import { createKubeletClient } from '../kubelet/client.ts';
import { findKubeletRoute, kubeletRoutes } from './kubelet-routes.ts';
import { httpRequest, rawRequest, startFakeKubelet, type FakeKubelet } from './test-support.ts';

const routes = kubeletRoutes({
  objects: new MemoryStorage(),
  kubelet: createKubeletClient({ timeoutMs: 1_000 }),
  preferredAddressTypes: ['InternalIP'],
  timeoutMs: 1_000,
  authorizer: alwaysAllow(),
  websocketNeedsCreate: false,
});

// One request per route: every route in the table must appear here, so a new route cannot skip the checks below.
const REQUESTS: Record<string, { method: string; path: string; upgrade: boolean }> = {
  'pods/log': { method: 'GET', path: '/api/v1/namespaces/default/pods/web/log', upgrade: false },
  'pods/exec': { method: 'POST', path: '/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=1', upgrade: true },
  'pods/attach': { method: 'POST', path: '/api/v1/namespaces/default/pods/web/attach?stdout=1', upgrade: true },
  'pods/portforward': { method: 'POST', path: '/api/v1/namespaces/default/pods/web/portforward?ports=80', upgrade: true },
  'nodes/proxy': { method: 'GET', path: '/api/v1/nodes/node-a/proxy/pods', upgrade: true },
  'pods/proxy': { method: 'GET', path: '/api/v1/namespaces/default/pods/web:8080/proxy/', upgrade: true },
  'services/proxy': { method: 'GET', path: '/api/v1/namespaces/default/services/https:web:443/proxy/x', upgrade: true },
};

describe('the kubelet route table', () => {
  it('has a request case for every route, and each case finds its route', () => {
    expect(routes.map((r) => r.name).sort()).toEqual(Object.keys(REQUESTS).sort());
    for (const [name, req] of Object.entries(REQUESTS)) {
      expect(findKubeletRoute(routes, parseRequestInfo(req.method, req.path))?.name).toBe(name);
      expect(Boolean(findKubeletRoute(routes, parseRequestInfo(req.method, req.path))?.upgrade)).toBe(req.upgrade);
    }
  });

  it('matches only the core group, the right scope and a named object', () => {
    const miss = [
      '/api/v1/pods/web/log',
      '/api/v1/namespaces/default/nodes/node-a/proxy/x',
      '/apis/example.com/v1/namespaces/default/pods/web/exec',
      '/api/v1/namespaces/default/pods/web/status',
      '/api/v1/services/web/proxy/',
      '/api/v1/pods/web/proxy/',
    ];
    for (const path of miss) expect(findKubeletRoute(routes, parseRequestInfo('GET', path))).toBeUndefined();
  });
});

describe('authorization of every kubelet route', () => {
  let kubelet: FakeKubelet;
  let api: ApiserverHandle;

  beforeAll(async () => {
    kubelet = await startFakeKubelet(await createSelfSignedServingCert({ host: '127.0.0.1' }));
    api = await startApiserver({
      bindAddress: '127.0.0.1',
      securePort: 0,
      controllers: false,
      authorizationModes: ['RBAC'],
      tokenAuthFile: 'nobody-token,nobody,3,""',
      kubeletPreferredAddressTypes: ['InternalIP'],
    });
    await api.storage.create('nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a' },
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } },
    });
    await api.storage.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: { nodeName: 'node-a', containers: [{ name: 'c' }] },
    });
  });

  afterAll(async () => {
    await api.close();
    await kubelet.close();
  });

  it('refuses a user without permission on every route, plain and upgraded, before any kubelet is contacted', async () => {
    const auth = { Authorization: 'Bearer nobody-token' };
    for (const [name, req] of Object.entries(REQUESTS)) {
      const plain = await httpRequest(api.url, req.method, req.path, auth);
      expect([name, plain.status]).toEqual([name, 403]);
      expect(JSON.parse(plain.body).message).toContain(`User "nobody" cannot`);
      if (!req.upgrade) continue;
      const upgraded = await rawRequest(api.url, req.method, req.path, { ...auth, Connection: 'Upgrade', Upgrade: 'SPDY/3.1' });
      await upgraded.closed;
      expect([name, upgraded.status]).toEqual([name, 403]);
      expect(JSON.parse(upgraded.rest()).message).toContain(`resource "${name}"`);
    }
    expect(kubelet.requests).toEqual([]);
  });
});
