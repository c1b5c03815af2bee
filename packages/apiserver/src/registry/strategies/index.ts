// The strategy table, keyed by storage key.
import type { Strategy } from '../strategy.ts';
import { certificateSigningRequestStrategy } from './certificates.ts';
import { namespaceStrategy } from './namespaces.ts';
import { podStrategy } from './pods.ts';
import { serviceStrategy } from './services.ts';

/** Strategies for every kind that needs more than the defaults. */
export function strategies(opts: { serviceClusterIPRange: string }): Record<string, Strategy> {
  return {
    pods: podStrategy,
    namespaces: namespaceStrategy,
    services: serviceStrategy(opts.serviceClusterIPRange),
    nodes: { hasStatus: true },
    'certificatesigningrequests.certificates.k8s.io': certificateSigningRequestStrategy,
  };
}
