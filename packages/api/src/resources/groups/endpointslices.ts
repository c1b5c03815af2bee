// discovery.k8s.io/v1 endpointslices: the scalable successor of Endpoints (the apiserver mirrors the
// `kubernetes` service into one). Printed as ADDRESSTYPE, PORTS, ENDPOINTS (three shown, then `+ N more...`).
import type { FieldError } from '../../errors.ts';
import { invalidValue, notSupported, required } from '../../errors.ts';
import type { KubeObject } from '../../meta.ts';
import type { ResourceDefinition, TablePrinter } from '../../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, column, listWithMore } from '../columns.ts';
import { ageSince } from '../duration.ts';
import { arr, str } from '../json.ts';
import { isValidPortNum, nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../validation/index.ts';
import { ALL_VERBS } from './verbs.ts';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

interface SlicePort {
  name?: string | null;
  port?: number | null;
  protocol?: string;
}

function defaultSlice(obj: KubeObject): void {
  for (const p of arr<SlicePort>(obj, 'ports')) {
    p.name ??= '';
    p.protocol ||= 'TCP';
  }
}

function validateSlice(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const type = str(obj, 'addressType');
  if (!type) errs.push(required('addressType', ''));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(notSupported('addressType', type, ADDRESS_TYPES));
  arr<{ addresses?: string[] }>(obj, 'endpoints').forEach((ep, i) => {
    if ((ep.addresses ?? []).length === 0) errs.push(required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
  });
  arr<SlicePort>(obj, 'ports').forEach((p, i) => {
    if (typeof p.port === 'number') {
      for (const msg of isValidPortNum(p.port)) errs.push(invalidValue(`ports[${i}].port`, p.port, msg));
    }
  });
  if (old) {
    errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    if (str(old, 'addressType') !== type) errs.push(invalidValue('addressType', type, 'field is immutable'));
  }
  return errs;
}

/** Kubernetes' endpointslice columns. */
export const endpointSlicePrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('AddressType', { doc: 'EndpointSlice.addressType' }),
    column('Ports', { doc: 'EndpointSlice.ports' }),
    column('Endpoints', { doc: 'EndpointSlice.endpoints' }),
    AGE_COLUMN,
  ],
  cells(obj, now) {
    const ports = arr<SlicePort>(obj, 'ports').map((p) =>
      typeof p.port === 'number' ? String(p.port) : p.name ? p.name : '*',
    );
    const addresses = arr<{ addresses?: string[] }>(obj, 'endpoints').flatMap((e) => e.addresses ?? []);
    return [
      obj.metadata?.name ?? '',
      str(obj, 'addressType'),
      listWithMore(ports, 3, '<unset>'),
      listWithMore(addresses, 3, '<unset>'),
      ageSince(obj.metadata?.creationTimestamp, now),
    ];
  },
};

/** `endpointslices.discovery.k8s.io`. */
export const endpointslices: ResourceDefinition = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  listKind: 'EndpointSliceList',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  verbs: ALL_VERBS,
  table: endpointSlicePrinter,
  defaults: defaultSlice,
  validate: validateSlice,
};
