// An in-process apiserver with token users for the kube-proxy tests: an admin that writes Services and
// EndpointSlices, `system:kube-proxy` (bound to system:node-proxier by the default RBAC policy), and a
// `late-proxy` user with no rights until a test grants them.
import { pino } from 'pino';
import { startApiserver } from '@hubspoke/apiserver';
import type { ApiserverHandle } from '@hubspoke/apiserver';
import { createClient } from '@hubspoke/client';
import type { ApiClient } from '@hubspoke/client';
import { SERVICE_NAME_LABEL } from '../service-types.ts';

const TOKENS = ['admin-token,admin,1,"system:masters"', 'proxy-token,system:kube-proxy,2,""', 'late-token,late-proxy,3,""'].join('\n');

/** The apiserver and clients for its users. */
export interface TestCluster {
  apiserver: ApiserverHandle;
  admin: ApiClient;
  /** A client authenticated as system:kube-proxy. */
  proxyClient(): ApiClient;
  /** A client authenticated as late-proxy (no permissions until granted). */
  lateClient(): ApiClient;
  close(): Promise<void>;
}

/** Starts an apiserver on 127.0.0.1 whose ClusterIPs come from `serviceRange`. */
export async function startTestCluster(serviceRange: string): Promise<TestCluster> {
  const apiserver = await startApiserver(
    {
      bindAddress: '127.0.0.1',
      securePort: 0,
      controllers: false,
      tokenAuthFile: TOKENS,
      authorizationModes: ['RBAC'],
      serviceClusterIPRange: serviceRange,
    },
    { logger: pino({ level: 'silent' }) },
  );
  const clients: ApiClient[] = [];
  const client = (token: string) => {
    const c = createClient({ server: apiserver.url, caCert: apiserver.servingCert, token });
    clients.push(c);
    return c;
  };
  return {
    apiserver,
    admin: client('admin-token'),
    proxyClient: () => client('proxy-token'),
    lateClient: () => client('late-token'),
    close: async () => {
      for (const c of clients) c.close();
      await apiserver.close();
    },
  };
}

/** A Service port for serviceObject. */
export interface TestServicePort {
  name?: string;
  port: number;
  protocol?: string;
}

/** A ClusterIP Service manifest. */
export function serviceObject(
  name: string,
  clusterIP: string,
  ports: TestServicePort[],
  extra: { sessionAffinity?: string; timeoutSeconds?: number } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: {
      clusterIP,
      ports: ports.map((p) => ({ protocol: 'TCP', targetPort: p.port, ...p })),
      ...(extra.sessionAffinity ? { sessionAffinity: extra.sessionAffinity } : {}),
      ...(extra.timeoutSeconds ? { sessionAffinityConfig: { clientIP: { timeoutSeconds: extra.timeoutSeconds } } } : {}),
    },
  };
}

/** One endpoint of sliceObject. */
export interface TestEndpoint {
  ip: string;
  ready?: boolean;
}

/** An EndpointSlice of `service` whose endpoints serve `portName` on `port`. */
export function sliceObject(name: string, service: string, port: { name?: string; port: number }, endpoints: TestEndpoint[]): Record<string, unknown> {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'default', labels: { [SERVICE_NAME_LABEL]: service } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true } })),
    ports: [{ name: port.name ?? '', port: port.port, protocol: 'TCP' }],
  };
}

/** Collection paths the tests write to. */
export const PATHS = {
  services: '/api/v1/namespaces/default/services',
  slices: '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
  clusterRoleBindings: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
};
