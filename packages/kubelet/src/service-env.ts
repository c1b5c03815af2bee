// The Docker-link style service environment variables the kubelet gives every container
// (pkg/kubelet/envvars and kubelet_pods.go getServiceEnvVarMap): for each Service with a cluster IP in the
// pod's namespace (unless enableServiceLinks is false), and always for `default/kubernetes`,
// NAME_SERVICE_HOST, NAME_SERVICE_PORT[_PORTNAME], NAME_PORT and NAME_PORT_<port>_<PROTO>{,_PROTO,_PORT,_ADDR}.
// The kubelet keeps all Services in a list+watch cache and builds containers only once it has listed them.
import { isIPv6 } from 'node:net';
import type { KubeObject } from '@hubspoke/api';
import type { ApiClient, BackoffOptions } from '@hubspoke/client';
import { listAndWatch, resourcePath } from '@hubspoke/client';
import type { Logger } from 'pino';

/** `v1.ServicePort`, the fields the variables use. */
interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
}

/** The Services the kubelet gives pods variables for: in the default namespace, these always. */
const MASTER_SERVICES = new Set(['kubernetes']);

/** Kubernetes' makeEnvVariableName: upper case, `-` → `_`. */
export function envVariableName(name: string): string {
  return name.replaceAll('-', '_').toUpperCase();
}

/** envvars.FromServices: the variables of `services`, in order, for those with a cluster IP and ports. */
export function serviceEnvVars(services: KubeObject[]): Array<{ name: string; value: string }> {
  const vars: Array<{ name: string; value: string }> = [];
  for (const service of services) {
    const { clusterIP, ports } = serviceSpec(service);
    if (!hasClusterIP(service) || ports.length === 0) continue;
    const prefix = envVariableName(service.metadata.name ?? '');
    vars.push({ name: `${prefix}_SERVICE_HOST`, value: clusterIP! });
    vars.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0].port) });
    for (const port of ports) {
      if (port.name) vars.push({ name: `${prefix}_SERVICE_PORT_${envVariableName(port.name)}`, value: String(port.port) });
    }
    ports.forEach((port, i) => {
      const protocol = port.protocol || 'TCP';
      const address = `${protocol.toLowerCase()}://${isIPv6(clusterIP!) ? `[${clusterIP}]` : clusterIP}:${port.port}`;
      // Docker special-cases the first port.
      if (i === 0) vars.push({ name: `${prefix}_PORT`, value: address });
      const portPrefix = `${prefix}_PORT_${port.port}_${protocol.toUpperCase()}`;
      vars.push({ name: portPrefix, value: address });
      vars.push({ name: `${portPrefix}_PROTO`, value: protocol.toLowerCase() });
      vars.push({ name: `${portPrefix}_PORT`, value: String(port.port) });
      vars.push({ name: `${portPrefix}_ADDR`, value: clusterIP! });
    });
  }
  return vars;
}

/**
 * getServiceEnvVarMap: the variables a pod in `namespace` gets. A Service of the pod's own namespace wins over
 * `default/kubernetes` of the same name; with enableServiceLinks false only the master Service remains.
 */
export function serviceEnvForPod(services: KubeObject[], namespace: string, enableServiceLinks: boolean): Record<string, string> {
  const chosen = new Map<string, KubeObject>();
  for (const service of services) {
    if (!hasClusterIP(service)) continue;
    const { name = '', namespace: ns } = service.metadata;
    if (ns === 'default' && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, service);
    } else if (ns === namespace && enableServiceLinks) {
      chosen.set(name, service);
    }
  }
  // Kubernetes iterates a map here; sorting by name makes the order stable.
  const ordered = [...chosen.values()].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return Object.fromEntries(serviceEnvVars(ordered).map((v) => [v.name, v.value]));
}

/** The pod's `spec.enableServiceLinks`; the apiserver defaults it to true. */
export function enableServiceLinks(pod: KubeObject): boolean {
  return (pod.spec as { enableServiceLinks?: boolean } | undefined)?.enableServiceLinks !== false;
}

/** The kubelet's Service cache, as container setup reads it. */
export interface ServiceEnvSource {
  /** Resolves once the Services have been listed; until then containers wait, as the kubelet's do. */
  readonly synced: Promise<void>;
  /** The variables for a pod in `namespace`. */
  envFor(namespace: string, enableServiceLinks: boolean): Record<string, string>;
}

/** A running Service cache. */
export interface ServiceWatch extends ServiceEnvSource {
  stop(): Promise<void>;
}

/** Options of watchServices. */
export interface ServiceWatchOptions {
  client: ApiClient;
  backoff: BackoffOptions;
  logger: Logger;
}

/** Lists and watches Services in all namespaces until stop(). */
export function watchServices(opts: ServiceWatchOptions): ServiceWatch {
  let markSynced!: () => void;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));
  const informer = listAndWatch(
    opts.client,
    resourcePath({ version: 'v1', resource: 'services' }),
    {
      backoff: opts.backoff,
      onError: (err) => opts.logger.warn({ err }, 'Service watch failed, relisting'),
    },
    {},
  );
  void informer.synced.then(markSynced);
  return {
    synced,
    envFor: (namespace, links) => serviceEnvForPod(informer.list(), namespace, links),
    stop: () => informer.stop(),
  };
}

function serviceSpec(service: KubeObject): { clusterIP?: string; ports: ServicePort[] } {
  const spec = (service.spec ?? {}) as { clusterIP?: string; ports?: ServicePort[] };
  return { clusterIP: spec.clusterIP, ports: Array.isArray(spec.ports) ? spec.ports : [] };
}

/** v1helper.IsServiceIPSet: a cluster IP that is neither empty nor `None`. */
function hasClusterIP(service: KubeObject): boolean {
  const { clusterIP } = serviceSpec(service);
  return Boolean(clusterIP) && clusterIP !== 'None';
}
