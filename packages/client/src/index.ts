// @hubspoke/client: a small Kubernetes JSON client over node https, watches and an informer-lite.
export { createClient, clientOverTransport } from './client.ts';
export type { ApiClient, ListOptions, CreateOptions, PatchType, DeleteOptions, RawOptions } from './client.ts';
export type { ClientConfig } from './config.ts';
export { DEFAULT_USER_AGENT, goArch } from './config.ts';
export { clientFromKubeconfig, clientConfigFromKubeconfig } from './kubeconfig.ts';
export type { KubeconfigClientOptions } from './kubeconfig.ts';
export { resourcePath, withQuery } from './paths.ts';
export type { ResourceLocation, QueryValues } from './paths.ts';
export { watchEvents } from './watch.ts';
export type { WatchOptions } from './watch.ts';
export { JsonLineDecoder } from './json-lines.ts';
export { errorFromBody, errorFromStatus, isStatus } from './errors.ts';
export { listAndWatch } from './list-and-watch.ts';
export type { Informer, ListAndWatchOptions, ObjectHandlers } from './list-and-watch.ts';
export { ExponentialBackoff, DEFAULT_RELIST_BACKOFF, sleep } from './backoff.ts';
export type { BackoffOptions } from './backoff.ts';
export { createTransport } from './transport.ts';
export type { Transport, TransportRequest, BufferedResponse } from './transport.ts';
