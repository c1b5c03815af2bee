// What the generic REST operations need, gathered once per server.
import type { ResourceCatalog, ResourceDefinition } from '@hubspoke/api';
import type { MemoryStorage } from '../storage/memory.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

/** Shared dependencies of every REST operation. */
export interface RestContext extends StrategyContext {
  catalog: ResourceCatalog;
  strategies: Record<string, Strategy>;
}

/** The storage key and strategy of a definition. */
export function storeOf(ctx: RestContext, def: ResourceDefinition): { key: string; strategy: Strategy } {
  const key = ctx.catalog.storageKey(def);
  return { key, strategy: ctx.strategies[key] ?? {} };
}
