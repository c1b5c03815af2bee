// Per-kind behaviour the generic REST operations call at fixed points (the apiserver's RESTCreateStrategy,
// RESTUpdateStrategy and RESTDeleteStrategy): what a create resets, what an update keeps, how a delete ends.
import type { FieldError, KubeObject } from '@hubspoke/api';
import type { UserInfo } from '@hubspoke/auth';
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

/** How one kind (or one of its subresources) turns an update request into the object to store. */
export interface UpdateStrategy {
  /** Reshape the requested object from the stored one (keep what this endpoint may not change) before validation. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  /** The update's field problems; replaces the definition's validation when given. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
}

/** Kind-specific hooks; every hook is optional. */
export interface Strategy extends UpdateStrategy {
  /** DELETE answers with the object rather than a Success Status (pods, namespaces). */
  returnDeletedObject?: boolean;
  /** True when the kind has a `status` subresource: main updates keep status, status updates keep the rest. */
  hasStatus?: boolean;
  /**
   * Update strategies of subresources written through the generic update path (`status`, `approval`), for kinds
   * whose subresources keep more than "everything but status". Their updates start from the requested object.
   */
  subresources?: Record<string, UpdateStrategy>;
  /** Reset or fill fields on create, after defaulting and admission, before validation (pod status, ClusterIP, CSR requester). */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext, user: UserInfo): void | Promise<void>;
  /** Refuse or reshape a delete; throw ApiError to refuse. */
  deletePlan?(obj: KubeObject, requestedGrace: number | undefined, ctx: StrategyContext): DeletePlan;
  /** Called on the copy being marked for deletion (e.g. namespace phase Terminating). */
  onMarkedForDeletion?(obj: KubeObject): void;
  /** After an object left storage (release allocations). */
  afterDelete?(obj: KubeObject, ctx: StrategyContext): void;
}
