// Every resource hubspoke serves, and the order Kubernetes lists API groups in (`/apis`).
import type { ResourceDefinition } from '../../resource.ts';
import { authenticationDefinitions } from './authentication.ts';
import { authorizationDefinitions } from './authorization.ts';
import { certificatesigningrequests } from './certificates.ts';
import { leases } from './coordination.ts';
import { coreDefinitions } from './core/index.ts';
import { endpointslices } from './endpointslices.ts';
import { rbacDefinitions } from './rbac.ts';

/**
 * Named groups in kube-apiserver's discovery priority order (core "" always comes first); groups not listed
 * follow alphabetically.
 */
export const GROUP_ORDER = [
  'authentication.k8s.io',
  'authorization.k8s.io',
  'certificates.k8s.io',
  'rbac.authorization.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
];

/** All definitions of the default catalog. */
export function builtinDefinitions(): ResourceDefinition[] {
  return [
    ...coreDefinitions,
    ...authenticationDefinitions,
    ...authorizationDefinitions,
    certificatesigningrequests,
    ...rbacDefinitions,
    leases,
    endpointslices,
  ];
}
