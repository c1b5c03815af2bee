// `kubectl get services`: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S) (`443/TCP`, `80:30080/TCP`), AGE, SELECTOR.
import type { TablePrinter } from '../../../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, column, formatLabels } from '../../columns.ts';
import { ageSince } from '../../duration.ts';
import type { Service } from './service-types.ts';

// The apiserver prints wide, so load-balancer addresses are never clipped here.
function externalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [
        ...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean)),
      ].sort();
      if (external.length > 0) return [...lb, ...external].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** `443/TCP`, `80:30080/TCP`, comma-joined. */
export function servicePorts(svc: Service): string {
  return (svc.spec?.ports ?? [])
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`))
    .join(',');
}

/** Kubernetes' service columns. */
export const servicePrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Type', { doc: 'ServiceSpec.type' }),
    column('Cluster-IP', { doc: 'ServiceSpec.clusterIP' }),
    column('External-IP', { doc: 'ServiceSpec.externalIPs' }),
    column('Port(s)', { doc: 'ServiceSpec.ports' }),
    AGE_COLUMN,
    column('Selector', { doc: 'ServiceSpec.selector' }, { priority: 1 }),
  ],
  cells(obj, now) {
    const svc = obj as Service;
    return [
      svc.metadata?.name ?? '',
      svc.spec?.type ?? '',
      // Kubernetes prints clusterIPs[0]; a registry that only set clusterIP still shows it.
      svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP || '<none>',
      externalIP(svc),
      servicePorts(svc) || '<none>',
      ageSince(svc.metadata?.creationTimestamp, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};
