// @hubspoke/kube-proxy: forwards each Service ClusterIP:port to the Service's ready endpoints (user-space mode).
export { startKubeProxy } from './kube-proxy.ts';
export type { KubeProxyOptions, KubeProxyHandle } from './kube-proxy.ts';
export type { ListenerInfo } from './proxier.ts';
export type { ProxyStats } from './metrics.ts';
export { PROXY_MODE } from './config.ts';
export { DEFAULT_AFFINITY_TIMEOUT_SECONDS } from './service-ports.ts';
export { parseKubeProxyArgs, type ParsedKubeProxyArgs } from './bin/flags.ts';
