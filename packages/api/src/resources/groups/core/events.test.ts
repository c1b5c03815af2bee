import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../meta.ts';
import { endpoints } from './endpoints.ts';
import { events } from './events.ts';

const now = new Date('2025-06-01T12:00:00Z');

describe('events', () => {
  const ev: KubeObject = {
    metadata: { name: 'web.17a', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{nginx}' },
    reason: 'Pulled',
    message: 'Container image "nginx" already present on machine\n',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2025-06-01T11:50:00Z',
    lastTimestamp: '2025-06-01T11:59:00Z',
    count: 4,
    type: 'Normal',
  };

  it('prints the wide event row in Kubernetes\' column order', () => {
    expect(events.table!.columns.map((c) => c.name)).toEqual([
      'Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name',
    ]);
    expect(events.table!.cells(ev, now)).toEqual([
      '60s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{nginx}', 'kubelet, node-1',
      'Container image "nginx" already present on machine', '10m', 4, 'web.17a',
    ]);
  });

  it('uses eventTime and a count of one for events.k8s.io-style events', () => {
    const modern: KubeObject = {
      metadata: { name: 'x', namespace: 'default' },
      eventTime: '2025-06-01T11:59:58.000000Z',
      reportingController: 'hubspoke/kubelet',
      involvedObject: { kind: 'Node', name: 'node-1' },
    };
    const cells = events.table!.cells(modern, now);
    expect([cells[0], cells[5], cells[7], cells[8]]).toEqual(['2s', 'hubspoke/kubelet', '2s', 1]);
  });

  it('offers Kubernetes\' event field labels', () => {
    expect(events.fields!(ev)).toEqual({
      'involvedObject.kind': 'Pod',
      'involvedObject.namespace': 'default',
      'involvedObject.name': 'web',
      'involvedObject.uid': 'u1',
      'involvedObject.apiVersion': 'v1',
      'involvedObject.resourceVersion': '',
      'involvedObject.fieldPath': 'spec.containers{nginx}',
      reason: 'Pulled',
      reportingComponent: '',
      source: 'kubelet',
      type: 'Normal',
    });
  });
});

describe('endpoints', () => {
  it('prints up to three addresses and then how many more', () => {
    const ep: KubeObject = {
      metadata: { name: 'web', creationTimestamp: '2025-06-01T11:00:00Z' },
      subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }], ports: [{ port: 80 }] }],
    };
    expect(endpoints.table!.cells(ep, now)).toEqual(['web', '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...', '60m']);
    expect(endpoints.table!.cells({ metadata: { name: 'none' } }, now)[1]).toBe('<none>');
  });
});
