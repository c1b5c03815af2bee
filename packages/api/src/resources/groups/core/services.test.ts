import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../meta.ts';
import { servicePrinter } from './service-printer.ts';
import type { Service } from './service-types.ts';
import { defaultService, validateService } from './services.ts';

const now = new Date('2025-06-01T12:00:00Z');

function svc(spec: Service['spec'], name = 'web'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', creationTimestamp: '2025-06-01T11:00:00Z' }, spec };
}

function messages(obj: KubeObject, old?: KubeObject): string[] {
  return validateService(obj, old).map((e) => `${e.field}: ${e.message}`);
}

describe('service defaults', () => {
  it('fills type, affinity, protocol, targetPort and a single IPv4 family', () => {
    const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }] });
    defaultService(s);
    expect(s.spec).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
  });

  it('keeps a named targetPort and adds the traffic policy of a NodePort service', () => {
    const s = svc({ type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] });
    defaultService(s);
    expect(s.spec!.ports![0].targetPort).toBe('http');
    expect(s.spec!.externalTrafficPolicy).toBe('Cluster');
  });
});

describe('service validation', () => {
  it('requires ports for a ClusterIP service', () => {
    const s = svc({});
    defaultService(s);
    expect(messages(s)).toEqual(['spec.ports: Required value']);
  });

  it('checks the port range and names of multiple ports', () => {
    const s = svc({ ports: [{ port: 0 }, { name: 'b', port: 443 }] });
    defaultService(s);
    expect(messages(s)).toEqual([
      'spec.ports[0].name: Required value',
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
  });

  it('requires the name to be a DNS-1035 label', () => {
    const s = svc({ ports: [{ port: 80 }] }, '1web');
    defaultService(s);
    expect(messages(s)[0]).toMatch(/^metadata\.name: Invalid value: "1web": a DNS-1035 label must consist of/);
  });

  it('refuses to change an allocated cluster IP', () => {
    const old = svc({ clusterIP: '10.96.0.10', ports: [{ port: 53 }] });
    defaultService(old);
    const next = structuredClone(old);
    next.spec!.clusterIP = '10.96.0.11';
    next.spec!.clusterIPs = ['10.96.0.11'];
    expect(messages(next, old)).toEqual(['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
  });
});

describe('service printer', () => {
  it('prints type, cluster IP, ports and selector', () => {
    const s = svc({ type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ port: 443, protocol: 'TCP' }], selector: { b: '2', a: '1' } });
    expect(servicePrinter.cells(s, now)).toEqual(['web', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '60m', 'a=1,b=2']);
  });

  it('shows node ports, a pending load balancer and an external name', () => {
    const lb = svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.2'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] });
    expect(servicePrinter.cells(lb, now).slice(1, 5)).toEqual(['LoadBalancer', '10.96.0.2', '<pending>', '80:30080/TCP']);
    const ext = svc({ type: 'ExternalName', externalName: 'db.example.com' });
    expect(servicePrinter.cells(ext, now).slice(1, 5)).toEqual(['ExternalName', '<none>', 'db.example.com', '<none>']);
  });
});
