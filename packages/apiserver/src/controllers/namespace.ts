// The namespace controller's deletion half: once a namespace has a deletionTimestamp, everything in it is
// deleted (objects with finalizers are marked and waited for), the namespace's conditions say what remains,
// and when it is empty the `kubernetes` finalizer is removed and the namespace object itself deleted.
import { nowTimestamp, type KubeObject } from '@hubspoke/api';
import { groupResourceOf } from '../storage/group-resource.ts';
import type { ResourceKey } from '../storage/interface.ts';
import { KEYS, NAMESPACED_KEYS, clockOf, type Controller, type ControllerContext } from './context.ts';
import { follow } from './follow.ts';
import { hasCode, setCondition, SkipUpdate, updateIfPresent, type Condition } from './objects.ts';
import { WorkQueue } from './work-queue.ts';

/** Namespace controller settings. */
export interface NamespaceControllerContext extends ControllerContext {
  /** What a namespace holds: emptied before it goes. Default NAMESPACED_KEYS. */
  namespacedKeys?: ResourceKey[];
  /** How soon to look again while content with finalizers remains. Default 2 s. */
  recheckMs?: number;
}

const FINALIZER = 'kubernetes';

interface Remaining {
  byResource: Map<string, number>;
  byFinalizer: Map<string, number>;
}

/** Start finishing namespace deletions. */
export function startNamespaceController(ctx: NamespaceControllerContext): Controller {
  const { storage } = ctx;
  const now = clockOf(ctx);
  const keys = ctx.namespacedKeys ?? NAMESPACED_KEYS;

  async function reconcile(name: string): Promise<void> {
    const namespace = storage.peek(KEYS.namespaces, undefined, name);
    if (!namespace?.metadata.deletionTimestamp) return;
    await deleteContent(name);
    const remaining = countRemaining(name);
    await updateNamespace(name, (ns) => withDeletionStatus(ns, remaining, now()));
    if (remaining.byResource.size > 0) {
      queue.addAfter(name, ctx.recheckMs ?? 2_000);
      return;
    }
    const finalized = await updateNamespace(name, (ns) => {
      const spec = (ns.spec ?? {}) as { finalizers?: string[] };
      return { ...ns, spec: { ...spec, finalizers: (spec.finalizers ?? []).filter((f) => f !== FINALIZER) } };
    });
    const left = (finalized?.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    if (!finalized || left.length > 0 || (finalized.metadata.finalizers ?? []).length > 0) return;
    try {
      await storage.delete(KEYS.namespaces, undefined, name, { uid: finalized.metadata.uid });
      ctx.logger.info({ namespace: name }, 'namespace deleted');
    } catch (err) {
      if (!hasCode(err, 404) && !hasCode(err, 409)) throw err;
    }
  }

  async function deleteContent(namespace: string): Promise<void> {
    for (const key of keys) {
      for (const obj of storage.peekList(key, namespace)) {
        const name = obj.metadata.name ?? '';
        if ((obj.metadata.finalizers ?? []).length === 0) {
          try {
            await storage.delete(key, namespace, name, { uid: obj.metadata.uid });
          } catch (err) {
            // Gone already, or replaced by a newer object that the next pass deletes.
            if (!hasCode(err, 404) && !hasCode(err, 409)) throw err;
          }
        } else if (!obj.metadata.deletionTimestamp) {
          await updateIfPresent(() =>
            storage.update(key, namespace, name, (current) => {
              if (current.metadata.deletionTimestamp) throw new SkipUpdate();
              const metadata = { ...current.metadata, deletionTimestamp: nowTimestamp(now()), deletionGracePeriodSeconds: 0 };
              return { ...current, metadata };
            }),
          );
        }
      }
    }
  }

  function countRemaining(namespace: string): Remaining {
    const remaining: Remaining = { byResource: new Map(), byFinalizer: new Map() };
    for (const key of keys) {
      const objects = storage.peekList(key, namespace);
      if (objects.length === 0) continue;
      const { group, resource } = groupResourceOf(key);
      remaining.byResource.set(`${resource}.${group}`, objects.length);
      for (const obj of objects) {
        for (const f of obj.metadata.finalizers ?? []) remaining.byFinalizer.set(f, (remaining.byFinalizer.get(f) ?? 0) + 1);
      }
    }
    return remaining;
  }

  function updateNamespace(name: string, fn: (ns: KubeObject) => KubeObject): Promise<KubeObject | undefined> {
    return updateIfPresent(() => storage.update(KEYS.namespaces, undefined, name, fn));
  }

  const queue = new WorkQueue({ name: 'namespace', logger: ctx.logger, handler: reconcile });
  const resync = () => {
    for (const ns of storage.peekList(KEYS.namespaces)) if (ns.metadata.deletionTimestamp) queue.add(ns.metadata.name ?? '');
  };
  const watch = follow(ctx, {
    key: KEYS.namespaces,
    onEvent: (e) => e.type !== 'DELETED' && e.object.metadata.deletionTimestamp && queue.add(e.object.metadata.name ?? ''),
    onResync: resync,
  });
  resync();
  return {
    stop() {
      watch.stop();
      queue.stop();
    },
  };
}

// The conditions the namespace deleter reports, with Kubernetes' reasons and messages.
function withDeletionStatus(ns: KubeObject, remaining: Remaining, now: Date): KubeObject {
  const status = (ns.status ?? {}) as { conditions?: Condition[] };
  const list = (entries: Map<string, number>, format: (what: string, n: number) => string) =>
    [...entries].map(([what, n]) => format(what, n)).sort().join(', ');
  const conditions: Condition[] = [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
    { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
    remaining.byResource.size > 0
      ? {
          type: 'NamespaceContentRemaining',
          status: 'True',
          reason: 'SomeResourcesRemain',
          message: `Some resources are remaining: ${list(remaining.byResource, (r, n) => `${r} has ${n} resource instances`)}`,
        }
      : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
    remaining.byFinalizer.size > 0
      ? {
          type: 'NamespaceFinalizersRemaining',
          status: 'True',
          reason: 'SomeFinalizersRemain',
          message: `Some content in the namespace has finalizers remaining: ${list(remaining.byFinalizer, (f, n) => `${f} in ${n} resource instances`)}`,
        }
      : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
  ];
  let merged: Condition[] = status.conditions ?? [];
  for (const condition of conditions) merged = setCondition(merged, condition, now);
  return { ...ns, status: { ...status, phase: 'Terminating', conditions: merged } };
}
