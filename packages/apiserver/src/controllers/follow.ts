// Watching a resource from now on, for a controller that reads state through the SyncReader. If the store
// ends the watch (the controller fell behind), the watch is re-established and the controller told to
// re-read everything, as an informer relists after its watch expires.
import type { KubeObject } from '@hubspoke/api';
import type { ResourceKey, StorageEvent, Watch, WatchOptions } from '../storage/interface.ts';
import type { ControllerContext, Controller } from './context.ts';

/** What to follow. */
export interface FollowSpec {
  key: ResourceKey;
  namespace?: string;
  predicate?: (obj: KubeObject) => boolean;
  onEvent(e: StorageEvent): void;
  /** Called after the watch had to be re-established: events may have been missed. */
  onResync(): void;
}

const RESTART_DELAY_MS = 1_000;

type ClosableStorage = {
  watchWithClose(
    key: ResourceKey,
    opts: WatchOptions,
    onEvent: (e: StorageEvent) => void,
    onClose: (reason: { kind: string; message: string }) => void,
  ): Watch;
};

/** Start following a resource's changes; returns a handle whose stop() ends it. */
export function follow(ctx: ControllerContext, spec: FollowSpec): Controller {
  const { storage, logger } = ctx;
  let current: Watch | undefined;
  let stopped = false;

  const onEvent = (e: StorageEvent) => {
    try {
      spec.onEvent(e);
    } catch (err) {
      logger.error({ key: spec.key, err }, 'controller event handler failed');
    }
  };

  const start = () => {
    const opts: WatchOptions = {
      namespace: spec.namespace,
      predicate: spec.predicate,
      resourceVersion: storage.currentResourceVersion(),
    };
    const closable = storage as unknown as Partial<ClosableStorage>;
    if (typeof closable.watchWithClose !== 'function') {
      current = storage.watch(spec.key, opts, onEvent);
      return;
    }
    current = closable.watchWithClose(spec.key, opts, onEvent, (reason) => {
      logger.warn({ key: spec.key, reason: reason.message }, 'controller watch closed by the store, resyncing');
      restart();
    });
  };

  const restart = () => {
    if (stopped) return;
    try {
      start();
      spec.onResync();
    } catch (err) {
      logger.error({ key: spec.key, err }, 'controller watch could not restart, retrying');
      setTimeout(restart, RESTART_DELAY_MS).unref?.();
    }
  };

  start();
  return {
    stop() {
      stopped = true;
      current?.stop();
    },
  };
}
