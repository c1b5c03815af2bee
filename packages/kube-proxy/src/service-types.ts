// The parts of core/v1 Service and discovery.k8s.io/v1 EndpointSlice that kube-proxy reads. Plain JSON as the
// apiserver sends it; anything else on the objects is ignored.
import type { KubeObject } from '@hubspoke/api';

/** `v1.ServicePort`, as far as proxying goes. */
export interface ServicePort {
  name?: string;
  protocol?: string;
  port?: number;
}

/** `v1.Service`, as far as proxying goes. */
export interface Service extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: ServicePort[];
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    internalTrafficPolicy?: string;
  };
}

/** `discovery/v1.Endpoint`. */
export interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  nodeName?: string;
}

/** `discovery/v1.EndpointPort`. */
export interface SlicePort {
  name?: string | null;
  protocol?: string;
  port?: number | null;
}

/** `discovery/v1.EndpointSlice`. */
export interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * The label selector kube-proxy lists Services and EndpointSlices with: objects claimed by another proxy
 * (`service.kubernetes.io/service-proxy-name`) and headless services are not ours.
 */
export const PROXYABLE_SELECTOR = '!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless';
