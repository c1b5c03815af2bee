import type { KubeObject } from '@hubspoke/api';
import { describe, expect, it } from 'vitest';
import { buildSlices, buildSubsets, selects } from './endpoints-build.ts';

function service(spec: object): KubeObject {
  return { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ...spec } };
}

function pod(name: string, ip: string, opts: { ready?: boolean; phase?: string; ports?: object[]; deleting?: boolean } = {}): KubeObject {
  return {
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels: { app: 'web' },
      ...(opts.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
    },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', ports: opts.ports ?? [{ name: 'http', containerPort: 8080 }] }] },
    status: {
      phase: opts.phase ?? 'Running',
      podIP: ip,
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}

const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` });

describe('buildSubsets', () => {
  it('splits ready and not-ready pods and resolves named target ports', () => {
    const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
    const pods = [pod('b', '127.244.1.3'), pod('a', '127.244.1.2'), pod('c', '127.244.1.4', { ready: false })];
    expect(buildSubsets(svc, pods)).toEqual([
      {
        addresses: [
          { ip: '127.244.1.2', nodeName: 'node-1', targetRef: ref('a') },
          { ip: '127.244.1.3', nodeName: 'node-1', targetRef: ref('b') },
        ],
        notReadyAddresses: [{ ip: '127.244.1.4', nodeName: 'node-1', targetRef: ref('c') }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('groups pods by the ports they resolve to and skips pods without the named port', () => {
    const svc = service({ ports: [{ port: 80, targetPort: 'web' }] });
    const pods = [
      pod('a', '127.244.1.2', { ports: [{ name: 'web', containerPort: 8080 }] }),
      pod('b', '127.244.1.3', { ports: [{ name: 'web', containerPort: 9090 }] }),
      pod('c', '127.244.1.4', { ports: [{ name: 'other', containerPort: 1 }] }),
    ];
    const subsets = buildSubsets(svc, pods);
    expect(subsets.map((s) => [s.addresses?.map((a) => a.ip), s.ports])).toEqual([
      [['127.244.1.2'], [{ port: 8080, protocol: 'TCP' }]],
      [['127.244.1.3'], [{ port: 9090, protocol: 'TCP' }]],
    ]);
  });

  it('leaves out pods without an IP, finished pods and terminating pods', () => {
    const svc = service({ ports: [{ port: 80, targetPort: 8080 }] });
    const noIp = pod('x', '');
    const pods = [noIp, pod('done', '127.244.1.5', { phase: 'Succeeded' }), pod('going', '127.244.1.6', { deleting: true })];
    expect(buildSubsets(svc, pods)).toEqual([]);
  });

  it('publishes not-ready pods as ready when the service asks for it', () => {
    const svc = service({ ports: [{ port: 80 }], publishNotReadyAddresses: true });
    const [subset] = buildSubsets(svc, [pod('a', '127.244.1.2', { ready: false, phase: 'Pending' })]);
    expect(subset.addresses?.map((a) => a.ip)).toEqual(['127.244.1.2']);
    expect(subset.ports).toEqual([{ port: 80, protocol: 'TCP' }]);
  });
});

describe('buildSlices', () => {
  it('describes each pod with ready, serving and terminating conditions', () => {
    const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    const slices = buildSlices(svc, [pod('a', '127.244.1.2'), pod('b', '127.244.1.3', { deleting: true })]);
    expect(slices).toEqual([
      {
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [
          { addresses: ['127.244.1.2'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-1', targetRef: ref('a') },
          { addresses: ['127.244.1.3'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'node-1', targetRef: ref('b') },
        ],
      },
    ]);
  });
});

describe('selects', () => {
  it('matches every selector label', () => {
    expect(selects({ app: 'web' }, pod('a', '1.1.1.1'))).toBe(true);
    expect(selects({ app: 'web', tier: 'x' }, pod('a', '1.1.1.1'))).toBe(false);
  });
});
