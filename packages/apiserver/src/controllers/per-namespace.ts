// The pattern the ServiceAccount and root-CA publisher controllers share: one named object in every
// namespace that is not terminating, re-created when deleted and corrected when changed.
import type { KubeObject } from '@hubspoke/api';
import type { ResourceKey } from '../storage/interface.ts';
import { KEYS, clockOf, type Controller, type ControllerContext } from './context.ts';
import { follow } from './follow.ts';
import { hasCode, isTerminating, newMeta } from './objects.ts';
import { WorkQueue } from './work-queue.ts';

/** What a per-namespace controller keeps. */
export interface PerNamespaceSpec {
  /** Names the controller in logs. */
  controller: string;
  key: ResourceKey;
  name: string;
  /** The object to create (metadata gets name, namespace, uid and creationTimestamp added). */
  build(namespace: string): Omit<KubeObject, 'metadata'> & { metadata?: Partial<KubeObject['metadata']> };
  /** The corrected object, or undefined when the existing one is fine. */
  correct?(current: KubeObject): KubeObject | undefined;
}

/** Start keeping spec's object in every active namespace. */
export function startPerNamespace(ctx: ControllerContext, spec: PerNamespaceSpec): Controller {
  const { storage } = ctx;
  const now = clockOf(ctx);

  async function reconcile(namespace: string): Promise<void> {
    const ns = storage.peek(KEYS.namespaces, undefined, namespace);
    if (!ns || isTerminating(ns)) return;
    const existing = storage.peek(spec.key, namespace, spec.name);
    if (existing) {
      if (spec.correct?.(existing)) {
        await storage.update(spec.key, namespace, spec.name, (current) => spec.correct?.(current) ?? current);
      }
      return;
    }
    const built = spec.build(namespace);
    const obj = { ...built, metadata: newMeta({ ...built.metadata, name: spec.name, namespace }, now()) } as KubeObject;
    try {
      await storage.create(spec.key, obj);
      ctx.logger.info({ controller: spec.controller, namespace }, 'created per-namespace object');
    } catch (err) {
      if (!hasCode(err, 409)) throw err;
    }
  }

  const queue = new WorkQueue({ name: spec.controller, logger: ctx.logger, handler: reconcile });
  const resync = () => {
    for (const ns of storage.peekList(KEYS.namespaces)) queue.add(ns.metadata.name ?? '');
  };
  const watches = [
    follow(ctx, {
      key: KEYS.namespaces,
      onEvent: (e) => e.type !== 'DELETED' && queue.add(e.object.metadata.name ?? ''),
      onResync: resync,
    }),
    follow(ctx, {
      key: spec.key,
      predicate: (obj) => obj.metadata.name === spec.name,
      onEvent: (e) => e.type !== 'ADDED' && queue.add(e.object.metadata.namespace ?? ''),
      onResync: resync,
    }),
  ];
  resync();
  return {
    stop() {
      for (const w of watches) w.stop();
      queue.stop();
    },
  };
}
