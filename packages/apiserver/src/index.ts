export * from './server.ts';
export * from './config.ts';
export type { Storage, SyncReader, StorageEvent, ResourceKey } from './storage/interface.ts';
export { MemoryStorage } from './storage/memory.ts';
export type { SubresourceHandler, StreamResponse } from './handlers/resources.ts';
export type { ApiRequest, ApiResponse } from './request/context.ts';
export { parseApiserverArgs, apiserverCommand, type ParsedApiserverArgs, type ApiserverArgsOptions } from './bin/apiserver-args.ts';
export { readEgressSelectorConfiguration, clusterSelection, type EgressSelectorConfiguration, type EgressConfigResult } from './egress/egress-selector-config.ts';
