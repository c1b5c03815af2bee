// The core ("") group, version v1, in the order discovery lists it.
import type { ResourceDefinition } from '../../../resource.ts';
import { bindings } from './bindings.ts';
import { configmaps } from './configmaps.ts';
import { endpoints } from './endpoints.ts';
import { events } from './events.ts';
import { namespaces } from './namespaces.ts';
import { nodes } from './nodes.ts';
import { pods } from './pods.ts';
import { secrets } from './secrets.ts';
import { serviceaccounts } from './serviceaccounts.ts';
import { services } from './services.ts';

/** Every core/v1 resource hubspoke serves. */
export const coreDefinitions: ResourceDefinition[] = [
  bindings,
  configmaps,
  endpoints,
  events,
  namespaces,
  nodes,
  pods,
  secrets,
  serviceaccounts,
  services,
];

export { summarizePod, NODE_UNREACHABLE_POD_REASON } from './pod-printer.ts';
export type { PodSummary } from './pod-printer.ts';
export { defaultPullPolicy, imageTag } from './image.ts';
export { podQOSClass } from './qos.ts';
export { nodeRoles, nodeStatus } from './nodes.ts';
export { NAMESPACE_NAME_LABEL } from './namespaces.ts';
export { POD_UPDATE_FORBIDDEN } from './pod-validation.ts';
export { DEFAULT_TOLERATION_SECONDS } from './pod-defaults.ts';
