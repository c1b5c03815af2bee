import { describe, expect, it } from 'vitest';
import { listenerId, servicePortsOf } from './service-ports.ts';
import type { Service } from './service-types.ts';

function service(spec: Service['spec'], name = 'web'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop', resourceVersion: '7' }, spec };
}

describe('servicePortsOf', () => {
  it('names each TCP port namespace/name:port-name and listens on the ClusterIP', () => {
    const { ports, skipped } = servicePortsOf(service({ clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }, { port: 8443, protocol: 'TCP' }] }));
    expect(skipped).toEqual([]);
    expect(ports).toEqual([
      { key: 'shop/web:http', namespace: 'shop', service: 'web', portName: 'http', protocol: 'TCP', address: '10.96.0.10', port: 80, affinity: { kind: 'none' }, nodeLocal: false },
      { key: 'shop/web:', namespace: 'shop', service: 'web', portName: '', protocol: 'TCP', address: '10.96.0.10', port: 8443, affinity: { kind: 'none' }, nodeLocal: false },
    ]);
    expect(listenerId(ports[0])).toBe('shop/web:http@10.96.0.10:80');
  });

  it('listens on every ClusterIP of a dual-stack Service', () => {
    const { ports } = servicePortsOf(service({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::a'], ports: [{ name: 'http', port: 80 }] }));
    expect(ports.map((p) => p.address)).toEqual(['10.96.0.10', 'fd00::a']);
  });

  it('proxies nothing for headless, ExternalName or not-yet-allocated Services', () => {
    expect(servicePortsOf(service({ clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80 }] })).ports).toEqual([]);
    expect(servicePortsOf(service({ type: 'ExternalName', ports: [{ port: 80 }] })).ports).toEqual([]);
    expect(servicePortsOf(service({ ports: [{ port: 80 }] })).ports).toEqual([]);
  });

  it('reports UDP and SCTP ports as skipped instead of proxying them', () => {
    const { ports, skipped } = servicePortsOf(
      service({ clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53 }, { name: 's', port: 9, protocol: 'SCTP' }] }),
    );
    expect(ports.map((p) => p.key)).toEqual(['shop/web:dns-tcp']);
    expect(skipped).toEqual([
      { key: 'shop/web:dns', protocol: 'UDP', reason: 'protocol-not-proxied' },
      { key: 'shop/web:s', protocol: 'SCTP', reason: 'protocol-not-proxied' },
    ]);
  });

  it('reads ClientIP affinity with its timeout, defaulting to three hours', () => {
    const sticky = servicePortsOf(service({ clusterIP: '10.96.0.10', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] })).ports[0];
    expect(sticky.affinity).toEqual({ kind: 'client-ip', timeoutMs: 10_800_000 });
    const short = servicePortsOf(
      service({ clusterIP: '10.96.0.10', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 30 } }, ports: [{ port: 80 }] }),
    ).ports[0];
    expect(short.affinity).toEqual({ kind: 'client-ip', timeoutMs: 30_000 });
  });

  it('marks internalTrafficPolicy Local ports as node-local', () => {
    expect(servicePortsOf(service({ clusterIP: '10.96.0.10', internalTrafficPolicy: 'Local', ports: [{ port: 80 }] })).ports[0].nodeLocal).toBe(true);
  });
});
