// core/v1 endpoints: the addresses behind a service (the apiserver keeps `default/kubernetes` pointing at
// itself). The printer shows up to three `ip:port` pairs, then `+ N more...`.
import type { FieldError } from '../../../errors.ts';
import { invalidValue, notSupported, required } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import type { ResourceDefinition, TablePrinter } from '../../../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from '../../columns.ts';
import { ageSince } from '../../duration.ts';
import { arr } from '../../json.ts';
import { isValidPortNum, nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/index.ts';
import { ALL_VERBS } from '../verbs.ts';

interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: string;
}

interface Subset {
  addresses?: { ip?: string }[];
  notReadyAddresses?: { ip?: string }[];
  ports?: EndpointPort[];
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The ENDPOINTS column: `10.0.0.1:443,10.0.0.2:443 + 1 more...`, `<none>` without subsets. */
export function formatEndpoints(obj: KubeObject): string {
  const subsets = arr<Subset>(obj, 'subsets');
  if (subsets.length === 0) return '<none>';
  const all: string[] = [];
  for (const ss of subsets) {
    const addresses = (ss.addresses ?? []).map((a) => a.ip ?? '');
    // Headless services may publish addresses without ports.
    if ((ss.ports ?? []).length === 0) all.push(...addresses);
    else for (const p of ss.ports ?? []) for (const ip of addresses) all.push(hostPort(ip, p.port ?? 0));
  }
  const shown = all.slice(0, 3).join(',');
  return all.length > 3 ? `${shown} + ${all.length - 3} more...` : shown;
}

function defaultEndpoints(obj: KubeObject): void {
  for (const ss of arr<Subset>(obj, 'subsets')) for (const p of ss.ports ?? []) p.protocol ||= 'TCP';
}

function validateEndpoints(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  arr<Subset>(obj, 'subsets').forEach((ss, i) => {
    const path = `subsets[${i}]`;
    (ss.addresses ?? []).forEach((a, j) => {
      if (!a.ip) errs.push(required(`${path}.addresses[${j}].ip`, ''));
    });
    (ss.ports ?? []).forEach((p, j) => {
      const at = `${path}.ports[${j}]`;
      for (const msg of isValidPortNum(p.port ?? 0)) errs.push(invalidValue(`${at}.port`, p.port ?? 0, msg));
      if (p.protocol && !['SCTP', 'TCP', 'UDP'].includes(p.protocol)) {
        errs.push(notSupported(`${at}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
      }
    });
  });
  if (old) errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  return errs;
}

/** Kubernetes' endpoints columns: Name, Endpoints, Age. */
export const endpointsPrinter: TablePrinter = {
  columns: [NAME_COLUMN, column('Endpoints', { doc: 'Endpoints.subsets' }), AGE_COLUMN],
  cells: (obj, now) => [obj.metadata?.name ?? '', formatEndpoints(obj), ageSince(obj.metadata?.creationTimestamp, now)],
};

/** `endpoints` (ep). */
export const endpoints: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  verbs: ALL_VERBS,
  table: endpointsPrinter,
  defaults: defaultEndpoints,
  validate: validateEndpoints,
};
