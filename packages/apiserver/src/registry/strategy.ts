// Per-kind behaviour the generic REST operations call at fixed points (the apiserver's RESTCreateStrategy,
// RESTUpdateStrategy and RESTDeleteStrategy): what a create resets, what an update keeps, how a delete ends.
import type { KubeObject } from '@hubspoke/api';
import type { MemoryStorage } from '../storage/memory.ts';

/** What strategies may consult. */
export interface StrategyContext {
  storage: MemoryStorage;
  now(): Date;
}

/** How a delete request ends for one object. */
export type DeletePlan =
  | { kind: 'now' }
  /** Mark with deletionTimestamp (+ grace) and keep the object until someone finishes the deletion. */
  | { kind: 'graceful'; graceSeconds: number }
  /** Mark with deletionTimestamp and leave removal to a controller (namespaces). */
  | { kind: 'mark' };

/** Kind-specific hooks; every hook is optional. */
export interface Strategy {
  /** DELETE answers with the object rather than a Success Status (pods, namespaces). */
  returnDeletedObject?: boolean;
  /** True when the kind has a `status` subresource: main updates keep status, status updates keep the rest. */
  hasStatus?: boolean;
  /** Reset or fill fields on create, after defaulting and before validation (e.g. pod status, ClusterIP). */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void | Promise<void>;
  /** Adjust an update (e.g. keep immutable allocations) before validation. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  /** Refuse or reshape a delete; throw ApiError to refuse. */
  deletePlan?(obj: KubeObject, requestedGrace: number | undefined, ctx: StrategyContext): DeletePlan;
  /** Called on the copy being marked for deletion (e.g. namespace phase Terminating). */
  onMarkedForDeletion?(obj: KubeObject): void;
  /** After an object left storage (release allocations). */
  afterDelete?(obj: KubeObject, ctx: StrategyContext): void;
}
