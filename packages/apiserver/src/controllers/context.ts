// What every controller is given. Controllers run inside the apiserver process against its store: they
// react to watches, read current state through the SyncReader (no private caches of 150,000 pods), and write
// through the Storage interface like any other client.
import type { ResourceKey, Storage, SyncReader } from '../storage/interface.ts';

/** A pino-compatible logger: structured fields first, a constant message second. */
export interface Logger {
  debug(fields: object, msg?: string): void;
  info(fields: object, msg?: string): void;
  warn(fields: object, msg?: string): void;
  error(fields: object, msg?: string): void;
  /** pino's child loggers; used when present to tag each controller's lines. */
  child?(bindings: object): Logger;
}

/** The store as controllers use it. */
export type ControllerStorage = Storage & SyncReader;

/** Shared by all controllers. */
export interface ControllerContext {
  storage: ControllerStorage;
  logger: Logger;
  /** The clock; tests inject one. Default: the system clock. */
  now?: () => Date;
}

/** A running controller; `stop()` is idempotent. */
export interface Controller {
  stop(): void;
}

/** The storage keys the controllers read and write (the apiserver registers the same names). */
export const KEYS = {
  namespaces: 'namespaces',
  nodes: 'nodes',
  pods: 'pods',
  services: 'services',
  endpoints: 'endpoints',
  endpointSlices: 'endpointslices.discovery.k8s.io',
  serviceAccounts: 'serviceaccounts',
  secrets: 'secrets',
  configMaps: 'configmaps',
  events: 'events',
  leases: 'leases.coordination.k8s.io',
  clusterRoles: 'clusterroles.rbac.authorization.k8s.io',
  clusterRoleBindings: 'clusterrolebindings.rbac.authorization.k8s.io',
  roles: 'roles.rbac.authorization.k8s.io',
  roleBindings: 'rolebindings.rbac.authorization.k8s.io',
  certificateSigningRequests: 'certificatesigningrequests.certificates.k8s.io',
} as const satisfies Record<string, ResourceKey>;

/** Namespaced keys among KEYS: what namespace deletion empties by default. */
export const NAMESPACED_KEYS: ResourceKey[] = [
  KEYS.pods,
  KEYS.services,
  KEYS.endpoints,
  KEYS.endpointSlices,
  KEYS.serviceAccounts,
  KEYS.secrets,
  KEYS.configMaps,
  KEYS.events,
  KEYS.leases,
  KEYS.roles,
  KEYS.roleBindings,
];

/** The context's clock, or the system clock. */
export function clockOf(ctx: { now?: () => Date }): () => Date {
  return ctx.now ?? (() => new Date());
}

/** A logger that drops everything (for callers that do not care). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
