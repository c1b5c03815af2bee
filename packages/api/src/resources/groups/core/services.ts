// core/v1 services: defaulting (ClusterIP, TCP, targetPort = port, single-stack IPv4) and validation with
// Kubernetes' messages. Service names are DNS-1035 labels because they become DNS names and env var
// prefixes (`WEB_SERVICE_HOST`). ClusterIP allocation is the registry's job, not defaulting's.
import type { FieldError } from '../../../errors.ts';
import { forbiddenField, invalidValue, notSupported, required } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import type { ResourceDefinition } from '../../../resource.ts';
import {
  duplicate,
  goStringSlice,
  invalidRendered,
  isDNS1123Label,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../validation/index.ts';
import { ALL_VERBS } from '../verbs.ts';
import { servicePrinter } from './service-printer.ts';
import type { Service, ServicePort } from './service-types.ts';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

/** `SetDefaults_Service` plus the single-stack IP family the registry assigns on an IPv4 cluster. */
export function defaultService(obj: KubeObject): void {
  const svc = obj as Service;
  const spec = (svc.spec ??= {});
  spec.type ||= 'ClusterIP';
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = ((spec.sessionAffinityConfig ??= {}).clientIP ??= {});
    clientIP.timeoutSeconds ??= 10800;
  }
  for (const p of spec.ports ?? []) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy ||= 'Cluster';
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ||= 'SingleStack';
    if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
  }
  if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && !spec.externalTrafficPolicy) {
    spec.externalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

/** `ValidateService` (and `ValidateServiceUpdate` when `old` is given). */
export function validateService(obj: KubeObject, old?: KubeObject): FieldError[] {
  const svc = obj as Service;
  const spec = svc.spec ?? {};
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, name: nameIsDNS1035Label });
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(svc) && spec.type !== 'ExternalName') errs.push(required('spec.ports', ''));
  if (spec.type === 'ExternalName') {
    if (spec.clusterIP) errs.push(forbiddenField('spec.clusterIP', 'may not be set for ExternalName services'));
    if (!spec.externalName) errs.push(required('spec.externalName', ''));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbiddenField(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = spec.sessionAffinity ?? '';
  if (affinity === '') errs.push(required('spec.sessionAffinity', ''));
  else if (!['ClientIP', 'None'].includes(affinity)) errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  const type = spec.type ?? '';
  if (type === '') errs.push(required('spec.type', ''));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', type, SERVICE_TYPES));
  if (old) {
    errs.push(...validateObjectMetaUpdate(svc.metadata, old.metadata));
    errs.push(...validateClusterIPUpdate(svc, old as Service));
  }
  return errs;
}

function validateServicePort(p: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) {
    errs.push(required(`${path}.name`, ''));
  } else if (p.name) {
    for (const msg of isDNS1123Label(p.name)) errs.push(invalidValue(`${path}.name`, p.name, msg));
    if (names.has(p.name)) errs.push(duplicate(`${path}.name`, p.name));
    names.add(p.name);
  }
  for (const msg of isValidPortNum(p.port ?? 0)) errs.push(invalidValue(`${path}.port`, p.port ?? 0, msg));
  if (!p.protocol) errs.push(required(`${path}.protocol`, ''));
  else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
  const target = p.targetPort;
  if (typeof target === 'string') {
    for (const msg of isValidPortName(target)) errs.push(invalidValue(`${path}.targetPort`, target, msg));
  } else {
    for (const msg of isValidPortNum(target ?? 0)) errs.push(invalidValue(`${path}.targetPort`, target ?? 0, msg));
  }
  return errs;
}

// An allocated cluster IP is the service's identity for kube-proxy; changing it would strand clients.
function validateClusterIPUpdate(svc: Service, old: Service): FieldError[] {
  const before = old.spec?.clusterIPs ?? (old.spec?.clusterIP ? [old.spec.clusterIP] : []);
  const after = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
  const typeToExternalName = svc.spec?.type === 'ExternalName';
  if (before.length > 0 && after.length > 0 && before[0] !== after[0] && !typeToExternalName) {
    return [invalidRendered('spec.clusterIPs[0]', goStringSlice(after), 'may not change once set')];
  }
  return [];
}

/** `services` (svc): `proxy` reaches a service's endpoints through the apiserver. */
export const services: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Service',
  listKind: 'ServiceList',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  verbs: ALL_VERBS,
  subresources: ['proxy', 'status'],
  table: servicePrinter,
  defaults: defaultService,
  validate: validateService,
};
