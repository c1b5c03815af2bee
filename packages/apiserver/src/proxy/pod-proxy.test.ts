// Which address and port pods/proxy and services/proxy dial, with the dial itself replaced by a recorder.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import type { Endpoint } from '../kubelet/dialer.ts';
import { withRequestInfo } from '../filters/chain.ts';
import { podProxyTarget } from './pod-proxy.ts';
import { serviceProxyTarget } from './service-proxy.ts';
import { until } from './test-support.ts';

const RESOURCES: Record<string, string> = { Pod: 'pods', Service: 'services', Endpoints: 'endpoints' };

function store(objects: KubeObject[]) {
  return {
    get: async (resource: string, namespace: string | undefined, name: string) =>
      objects.find((o) => RESOURCES[o.kind ?? ''] === resource && o.metadata.namespace === namespace && o.metadata.name === name),
  };
}

const pod = (name: string, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec, status }) as KubeObject;

function deps(objects: KubeObject[]) {
  const dialed: Endpoint[] = [];
  return {
    dialed,
    deps: {
      objects: store(objects),
      timeoutMs: 1000,
      dialer: async (endpoint: Endpoint) => {
        dialed.push(endpoint);
        return new PassThrough();
      },
    },
  };
}

const request = (path: string) => withRequestInfo({ method: 'GET', url: path, headers: {}, remoteAddress: '10.1.1.1' });

async function outcome(connect: () => Promise<unknown>): Promise<string> {
  try {
    await connect();
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('podProxyTarget', () => {
  const objects = [
    pod('web', { containers: [{ name: 'a' }, { name: 'b', ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 9090 }] }] }, { podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }] }),
    pod('bare', { containers: [{ name: 'c' }] }, { podIPs: [{ ip: 'fd00::7' }] }),
    pod('pending', { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] }, {}),
    pod('wildcard', { containers: [{ name: 'c' }] }, { podIP: '0.0.0.0' }),
  ];

  it('dials the first pod IP on the first declared port of the first container that declares any', async () => {
    const { deps: d, dialed } = deps(objects);
    const target = await podProxyTarget(d, request('/api/v1/namespaces/default/pods/web/proxy/a?b=c'));
    expect(target.url.href).toBe('http://10.244.1.5:8080/a?b=c');
    await target.connect();
    expect(dialed).toEqual([{ host: '10.244.1.5', port: 8080 }]);
  });

  it('falls back to the scheme’s own port when the pod declares none', async () => {
    const { deps: d, dialed } = deps(objects);
    await (await podProxyTarget(d, request('/api/v1/namespaces/default/pods/bare/proxy/'))).connect();
    const https = await podProxyTarget(d, request('/api/v1/namespaces/default/pods/https:bare:/proxy/'));
    expect(https.url.href).toBe('https://[fd00::7]/');
    expect(dialed).toEqual([{ host: 'fd00::7', port: 80 }]);
    // TLS over the recorder never completes; the dial is what matters.
    void https.connect().catch(() => undefined);
    await until(() => dialed.length === 2);
    expect(dialed[1]).toEqual({ host: 'fd00::7', port: 443 });
  });

  it('resolves a declared port name, and refuses an undeclared one', async () => {
    const { deps: d } = deps(objects);
    expect((await podProxyTarget(d, request('/api/v1/namespaces/default/pods/web:http/proxy/'))).url.port).toBe('8080');
    await expect(podProxyTarget(d, request('/api/v1/namespaces/default/pods/web:notaport/proxy/'))).rejects.toThrow('no container port named "notaport"');
  });

  it('never dials an out-of-range port, failing the dial with Go’s words instead', async () => {
    const { deps: d, dialed } = deps(objects);
    const target = await podProxyTarget(d, request('/api/v1/namespaces/default/pods/https:web:99999/proxy/x'));
    expect(target.url.href).toBe('https://10.244.1.5/x');
    expect(await outcome(() => target.connect())).toBe('dial tcp: address 99999: invalid port');
    expect(dialed).toEqual([]);
  });

  it('refuses a pod without an IP yet, or with an address that would reach this host', async () => {
    const { deps: d } = deps(objects);
    await expect(podProxyTarget(d, request('/api/v1/namespaces/default/pods/pending/proxy/'))).rejects.toThrow('address not allowed');
    await expect(podProxyTarget(d, request('/api/v1/namespaces/default/pods/wildcard:22/proxy/'))).rejects.toThrow('address not allowed');
  });
});

describe('serviceProxyTarget', () => {
  const endpoints = (name: string, subsets: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'default' }, subsets }) as KubeObject;
  const service = (name: string, ports: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports } }) as KubeObject;
  const ref = (name: string, namespace = 'default') => ({ kind: 'Pod', name, namespace });
  const objects = [
    pod('web', { containers: [{ name: 'c' }] }, { podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }] }),
    service('web', [{ name: 'http', port: 80 }]),
    endpoints('web', [
      { addresses: [{ ip: '10.9.9.9' }, { ip: '10.244.1.6', targetRef: ref('web') }, { ip: '10.244.1.5', targetRef: ref('web', 'other') }, { ip: '10.244.1.5', targetRef: ref('web') }], ports: [{ name: 'http', port: 8080 }] },
    ]),
    service('rogue', [{ name: 'http', port: 80 }]),
    endpoints('rogue', [{ addresses: [{ ip: '10.9.9.9' }, { ip: '10.244.1.6', targetRef: ref('gone') }], ports: [{ name: 'http', port: 8080 }] }]),
    service('empty', [{ port: 80 }]),
    endpoints('empty', []),
  ];

  it('uses only an address that is the IP of a pod of this namespace', async () => {
    const { deps: d, dialed } = deps(objects);
    const target = await serviceProxyTarget(d, request('/api/v1/namespaces/default/services/web:80/proxy/p?q=1'));
    expect(target.url.href).toBe('http://10.244.1.5:8080/p?q=1');
    await target.connect();
    expect(dialed).toEqual([{ host: '10.244.1.5', port: 8080 }]);
  });

  it('answers 503 naming the whole id when no address qualifies, and only the service when there are no subsets', async () => {
    const { deps: d, dialed } = deps(objects);
    await expect(serviceProxyTarget(d, request('/api/v1/namespaces/default/services/rogue:http/proxy/'))).rejects.toThrow('no endpoints available for service "rogue:http"');
    await expect(serviceProxyTarget(d, request('/api/v1/namespaces/default/services/web:nosuch/proxy/'))).rejects.toThrow('no endpoints available for service "web:nosuch"');
    await expect(serviceProxyTarget(d, request('/api/v1/namespaces/default/services/empty/proxy/'))).rejects.toThrow('no endpoints available for service "empty"');
    await expect(serviceProxyTarget(d, request('/api/v1/namespaces/default/services/web:81/proxy/'))).rejects.toThrow('no service port 81 found for service "web"');
    expect(dialed).toEqual([]);
  });

  it('looks the Service up only for a port number, the Endpoints always', async () => {
    const { deps: d } = deps(objects);
    await expect(serviceProxyTarget(d, request('/api/v1/namespaces/default/services/nope:80/proxy/'))).rejects.toThrow('services "nope" not found');
    await expect(serviceProxyTarget(d, request('/api/v1/namespaces/default/services/nope/proxy/'))).rejects.toThrow('endpoints "nope" not found');
  });
});
