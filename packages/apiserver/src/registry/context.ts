// What the generic REST operations need, gathered once per server, and what one call addresses.
import type { ResourceCatalog, ResourceDefinition } from '@hubspoke/api';
import type { UserInfo } from '@hubspoke/auth';
import type { AdmissionChain } from '../admission/chain.ts';
import type { Attributes, Operation } from '../admission/attributes.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

/** Shared dependencies of every REST operation. */
export interface RestContext extends StrategyContext {
  catalog: ResourceCatalog;
  strategies: Record<string, Strategy>;
  /** Mutating and validating admission around every write. */
  admission: AdmissionChain;
}

/** One REST call's target and requester. */
export interface RestTarget {
  def: ResourceDefinition;
  namespace: string | undefined;
  /** The URL's name; `''` for creates and collections. */
  name: string;
  /** `''`, `status`, `approval`, … */
  subresource: string;
  /** Who asks (the impersonated user when impersonating): admission and strategies record and judge them. */
  user: UserInfo;
}

/** The storage key and strategy of a definition. */
export function storeOf(ctx: RestContext, def: ResourceDefinition): { key: string; strategy: Strategy } {
  const key = ctx.catalog.storageKey(def);
  return { key, strategy: ctx.strategies[key] ?? {} };
}

/** Admission attributes for a call on a definition's own kind (objects are filled in per phase). */
export function admissionAttributes(target: RestTarget, operation: Operation, dryRun: boolean): Attributes {
  const { def } = target;
  return {
    operation,
    resource: { group: def.group, version: def.version, resource: def.plural },
    subresource: target.subresource,
    kind: { group: def.group, version: def.version, kind: def.kind },
    namespace: def.namespaced ? (target.namespace ?? '') : '',
    name: target.name,
    user: target.user,
    dryRun,
  };
}
