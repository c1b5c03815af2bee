import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { enableServiceLinks, envVariableName, serviceEnvForPod, serviceEnvVars } from './service-env.ts';

const service = (namespace: string, name: string, clusterIP: string, ports: Array<Record<string, unknown>>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { clusterIP, ports },
});

const kubernetes = service('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
const redis = service('shop', 'redis-primary', '10.96.12.7', [{ port: 6379 }, { name: 'metrics', port: 9121, protocol: 'TCP' }]);
const dns = service('shop', 'dns', '10.96.0.10', [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }]);
const headless = service('shop', 'db', 'None', [{ port: 5432 }]);
const unallocated = service('shop', 'pending', '', [{ port: 80 }]);
const elsewhere = service('other', 'web', '10.96.3.3', [{ port: 80 }]);
const all = [kubernetes, redis, dns, headless, unallocated, elsewhere];

describe('serviceEnvVars', () => {
  it('gives the kubernetes Service its well-known variables', () => {
    expect(serviceEnvVars([kubernetes])).toEqual([
      { name: 'KUBERNETES_SERVICE_HOST', value: '10.96.0.1' },
      { name: 'KUBERNETES_SERVICE_PORT', value: '443' },
      { name: 'KUBERNETES_SERVICE_PORT_HTTPS', value: '443' },
      { name: 'KUBERNETES_PORT', value: 'tcp://10.96.0.1:443' },
      { name: 'KUBERNETES_PORT_443_TCP', value: 'tcp://10.96.0.1:443' },
      { name: 'KUBERNETES_PORT_443_TCP_PROTO', value: 'tcp' },
      { name: 'KUBERNETES_PORT_443_TCP_PORT', value: '443' },
      { name: 'KUBERNETES_PORT_443_TCP_ADDR', value: '10.96.0.1' },
    ]);
  });

  it('uses the first port for the unnamed forms, names the named ones, and keeps the protocol', () => {
    const vars = Object.fromEntries(serviceEnvVars([redis, dns]).map((v) => [v.name, v.value]));
    expect(vars).toMatchObject({
      REDIS_PRIMARY_SERVICE_HOST: '10.96.12.7',
      REDIS_PRIMARY_SERVICE_PORT: '6379',
      REDIS_PRIMARY_SERVICE_PORT_METRICS: '9121',
      REDIS_PRIMARY_PORT: 'tcp://10.96.12.7:6379',
      REDIS_PRIMARY_PORT_9121_TCP_ADDR: '10.96.12.7',
      DNS_SERVICE_PORT_DNS_TCP: '53',
      DNS_PORT: 'udp://10.96.0.10:53',
      DNS_PORT_53_UDP_PROTO: 'udp',
      DNS_PORT_53_TCP: 'tcp://10.96.0.10:53',
    });
    expect(vars).not.toHaveProperty('REDIS_PRIMARY_SERVICE_PORT_');
  });

  it('brackets an IPv6 cluster IP in the URL forms only', () => {
    const v6 = Object.fromEntries(serviceEnvVars([service('shop', 'api', 'fd00::1', [{ port: 80 }])]).map((v) => [v.name, v.value]));
    expect(v6).toMatchObject({ API_SERVICE_HOST: 'fd00::1', API_PORT: 'tcp://[fd00::1]:80', API_PORT_80_TCP_ADDR: 'fd00::1' });
  });
});

describe('serviceEnvForPod', () => {
  it('gives the pod its namespace Services with a cluster IP, plus default/kubernetes', () => {
    const names = Object.keys(serviceEnvForPod(all, 'shop', true)).filter((n) => n.endsWith('_SERVICE_HOST'));
    expect(names.sort()).toEqual(['DNS_SERVICE_HOST', 'KUBERNETES_SERVICE_HOST', 'REDIS_PRIMARY_SERVICE_HOST']);
  });

  it('gives only the master Service with enableServiceLinks false', () => {
    const env = serviceEnvForPod(all, 'shop', false);
    expect(Object.keys(env).every((n) => n.startsWith('KUBERNETES_'))).toBe(true);
    expect(env.KUBERNETES_SERVICE_HOST).toBe('10.96.0.1');
  });

  it('lets a "kubernetes" Service in the pod namespace win over the master one', () => {
    const own = service('shop', 'kubernetes', '10.96.9.9', [{ port: 8080 }]);
    expect(serviceEnvForPod([own, kubernetes], 'shop', true).KUBERNETES_SERVICE_HOST).toBe('10.96.9.9');
    expect(serviceEnvForPod([kubernetes, own], 'shop', true).KUBERNETES_SERVICE_HOST).toBe('10.96.9.9');
    expect(serviceEnvForPod([kubernetes, own], 'other', true).KUBERNETES_SERVICE_HOST).toBe('10.96.0.1');
  });
});

describe('helpers', () => {
  it('upper-cases names and turns dashes into underscores', () => {
    expect(envVariableName('my-svc-2')).toBe('MY_SVC_2');
  });

  it('treats an unset enableServiceLinks as the default true', () => {
    expect(enableServiceLinks({ metadata: {}, spec: {} })).toBe(true);
    expect(enableServiceLinks({ metadata: {}, spec: { enableServiceLinks: false } })).toBe(false);
  });
});
