// Reading a KubeProxyConfiguration file (kubeproxy.config.k8s.io/v1alpha1), as `kube-proxy --config`
// does. Only the fields hubspoke uses are taken; the others are valid Kubernetes settings that a
// user-space proxy has no use for, and are reported once as ignored.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { KubeProxyConfig } from './config.ts';

/** The config file's group/version. */
export const KUBE_PROXY_CONFIGURATION_API_VERSION = 'kubeproxy.config.k8s.io/v1alpha1';
/** The config file's kind. */
export const KUBE_PROXY_CONFIGURATION_KIND = 'KubeProxyConfiguration';

const USED = ['apiVersion', 'kind', 'clientConnection', 'bindAddress', 'hostnameOverride', 'mode', 'healthzBindAddress', 'metricsBindAddress'];

/** The fields a file sets, and warnings about what it sets that hubspoke ignores. */
export interface LoadedKubeProxyConfiguration {
  config: Partial<KubeProxyConfig>;
  warnings: string[];
}

/** Parses KubeProxyConfiguration YAML (or JSON) text; throws with kube-proxy's "failed to decode" wording. */
export function parseKubeProxyConfiguration(text: string): LoadedKubeProxyConfiguration {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`failed to decode: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('failed to decode: Object \'Kind\' is missing in configuration');
  const obj = doc as Record<string, unknown>;
  if (!obj.kind) throw new Error('failed to decode: Object \'Kind\' is missing in configuration');
  if (obj.apiVersion !== KUBE_PROXY_CONFIGURATION_API_VERSION || obj.kind !== KUBE_PROXY_CONFIGURATION_KIND) {
    throw new Error(`failed to decode: no kind ${JSON.stringify(obj.kind)} is registered for version ${JSON.stringify(obj.apiVersion ?? '')} (want ${KUBE_PROXY_CONFIGURATION_API_VERSION}, ${KUBE_PROXY_CONFIGURATION_KIND})`);
  }

  const config: Partial<KubeProxyConfig> = {};
  const stringField = (field: string): string | undefined => {
    const value = obj[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new Error(`failed to decode: ${field}: expected a string, got ${JSON.stringify(value)}`);
    return value;
  };
  const connection = obj.clientConnection as { kubeconfig?: unknown } | undefined;
  if (connection && typeof connection.kubeconfig === 'string') config.kubeconfig = connection.kubeconfig;
  const set = (field: 'bindAddress' | 'hostnameOverride' | 'mode' | 'healthzBindAddress' | 'metricsBindAddress') => {
    const value = stringField(field);
    if (value !== undefined) config[field] = value;
  };
  set('bindAddress');
  set('hostnameOverride');
  set('mode');
  set('healthzBindAddress');
  set('metricsBindAddress');

  const ignored = Object.keys(obj).filter((k) => !USED.includes(k) && obj[k] !== null);
  const ignoredConnection = Object.keys(connection ?? {}).filter((k) => k !== 'kubeconfig').map((k) => `clientConnection.${k}`);
  const all = [...ignoredConnection, ...ignored];
  const warnings = all.length ? [`KubeProxyConfiguration fields not used by hubspoke's user-space kube-proxy: ${all.join(', ')}`] : [];
  return { config, warnings };
}

/** Reads and parses the file at `path`. */
export async function loadKubeProxyConfigurationFile(path: string): Promise<LoadedKubeProxyConfiguration> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`failed to read config file ${JSON.stringify(path)}: ${(err as Error).message}`);
  }
  return parseKubeProxyConfiguration(text);
}
