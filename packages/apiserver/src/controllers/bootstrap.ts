// The objects every cluster starts with, as the apiserver itself creates them: the system namespaces, the
// default RBAC roles and bindings, and the `default/kubernetes` Service with its Endpoints and EndpointSlice
// pointing at this apiserver. ensureBootstrapObjects runs once at start; the controller keeps the kubernetes
// Service, its endpoints and the system namespaces correct afterwards (the apiserver's endpoint reconciler
// and system-namespaces controller).
import { isIP } from 'node:net';
import type { KubeObject } from '@hubspoke/api';
import type { Storage } from '../storage/interface.ts';
import { KEYS, clockOf, type Controller, type ControllerContext } from './context.ts';
import { follow } from './follow.ts';
import { hasCode, newMeta } from './objects.ts';
import { WorkQueue } from './work-queue.ts';

/** What the bootstrap objects describe. */
export interface BootstrapConfig {
  /** First address of --service-cluster-ip-range. */
  serviceClusterIP: string;
  /** --secure-port: the kubernetes Service's targetPort and the endpoints' port. */
  secureServingPort: number;
  /** --advertise-address: the endpoint address. */
  advertiseAddress: string;
  clusterRoles: KubeObject[];
  clusterRoleBindings: KubeObject[];
}

/** The namespaces Kubernetes creates at start. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const SERVICE = 'kubernetes';

/** Create whatever bootstrap object is missing and reset the kubernetes Service and its endpoints. */
export async function ensureBootstrapObjects(storage: Storage, config: BootstrapConfig, now = () => new Date()): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) await createIfMissing(storage, KEYS.namespaces, namespaceObject(name, now()));
  for (const role of config.clusterRoles) await createIfMissing(storage, KEYS.clusterRoles, withMeta(role, now()));
  for (const binding of config.clusterRoleBindings) {
    await createIfMissing(storage, KEYS.clusterRoleBindings, withMeta(binding, now()));
  }
  await reconcileKubernetesService(storage, config, now);
}

/** Bootstrap controller settings. */
export interface BootstrapContext extends ControllerContext, BootstrapConfig {
  /** Periodic re-check, like the apiserver's endpoint reconciler. Default 10 s. */
  intervalMs?: number;
}

/** Keep the bootstrap objects in place; runs ensureBootstrapObjects at once and after relevant changes. */
export function startBootstrapController(ctx: BootstrapContext): Controller {
  const now = clockOf(ctx);
  const queue = new WorkQueue({
    name: 'bootstrap',
    logger: ctx.logger,
    handler: () => ensureBootstrapObjects(ctx.storage, ctx, now),
  });
  const trigger = () => queue.add('bootstrap');
  const isOurs = (obj: KubeObject) => obj.metadata.name === SERVICE;
  const watches = [
    follow(ctx, { key: KEYS.services, namespace: 'default', predicate: isOurs, onEvent: trigger, onResync: trigger }),
    follow(ctx, { key: KEYS.endpoints, namespace: 'default', predicate: isOurs, onEvent: trigger, onResync: trigger }),
    follow(ctx, { key: KEYS.endpointSlices, namespace: 'default', predicate: isOurs, onEvent: trigger, onResync: trigger }),
    follow(ctx, {
      key: KEYS.namespaces,
      predicate: (ns) => SYSTEM_NAMESPACES.includes(ns.metadata.name ?? ''),
      onEvent: (e) => e.type === 'DELETED' && trigger(),
      onResync: trigger,
    }),
  ];
  trigger();
  const timer = setInterval(trigger, ctx.intervalMs ?? 10_000);
  timer.unref?.();
  return {
    stop() {
      clearInterval(timer);
      for (const w of watches) w.stop();
      queue.stop();
    },
  };
}

async function reconcileKubernetesService(storage: Storage, config: BootstrapConfig, now: () => Date): Promise<void> {
  const family = isIP(config.advertiseAddress) === 6 ? 'IPv6' : 'IPv4';
  const service = {
    metadata: { labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      clusterIP: config.serviceClusterIP,
      clusterIPs: [config.serviceClusterIP],
      ipFamilies: [isIP(config.serviceClusterIP) === 6 ? 'IPv6' : 'IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: config.secureServingPort }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
  };
  const endpointPorts = [{ name: 'https', port: config.secureServingPort, protocol: 'TCP' }];
  const endpoints = {
    metadata: { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: config.advertiseAddress }], ports: endpointPorts }],
  };
  const slice = {
    metadata: { labels: { 'kubernetes.io/service-name': SERVICE } },
    addressType: family,
    endpoints: [{ addresses: [config.advertiseAddress], conditions: { ready: true } }],
    ports: endpointPorts,
  };
  await upsert(storage, KEYS.services, { apiVersion: 'v1', kind: 'Service', ...service, status: { loadBalancer: {} } }, now, (cur) => ({
    ...cur,
    metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, ...service.metadata.labels } },
    spec: { ...(cur.spec as object), ...service.spec },
  }));
  await upsert(storage, KEYS.endpoints, { apiVersion: 'v1', kind: 'Endpoints', ...endpoints }, now, (cur) => ({
    ...cur,
    metadata: { ...cur.metadata, labels: endpoints.metadata.labels },
    subsets: endpoints.subsets,
  }));
  await upsert(storage, KEYS.endpointSlices, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', ...slice }, now, (cur) => ({
    ...cur,
    metadata: { ...cur.metadata, labels: slice.metadata.labels },
    addressType: slice.addressType,
    endpoints: slice.endpoints,
    ports: slice.ports,
  }));
}

// Create default/kubernetes of a kind, or correct the fields the apiserver owns (a no-op when they are right).
async function upsert(
  storage: Storage,
  key: string,
  desired: Omit<KubeObject, 'metadata'> & { metadata: Partial<KubeObject['metadata']> },
  now: () => Date,
  correct: (current: KubeObject) => KubeObject,
): Promise<void> {
  if (await storage.get(key, 'default', SERVICE)) {
    try {
      await storage.update(key, 'default', SERVICE, correct);
      return;
    } catch (err) {
      if (!hasCode(err, 404)) throw err;
    }
  }
  const obj = { ...desired, metadata: newMeta({ ...desired.metadata, name: SERVICE, namespace: 'default' }, now()) };
  await createIfMissing(storage, key, obj);
}

function namespaceObject(name: string, now: Date): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: newMeta({ name, labels: { 'kubernetes.io/metadata.name': name } }, now),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function withMeta(obj: KubeObject, now: Date): KubeObject {
  return { ...obj, metadata: newMeta(obj.metadata, now) };
}

async function createIfMissing(storage: Storage, key: string, obj: KubeObject): Promise<void> {
  if (await storage.get(key, obj.metadata.namespace, obj.metadata.name ?? '')) return;
  try {
    await storage.create(key, obj);
  } catch (err) {
    if (!hasCode(err, 409)) throw err;
  }
}
