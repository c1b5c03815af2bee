// watch: streams storage events as JSON lines (`{"type":…,"object":…}`), with bookmarks, a server-side
// timeout, and an end for watchers that cannot keep up (rather than buffering without bound).
import { apiVersionOf, badRequest, type KubeObject, type ResourceDefinition, type WatchEvent } from '@hubspoke/api';
import { storeOf, type RestContext } from './context.ts';
import { compileSelectors, indexedNodeName, NODE_NAME_INDEX } from './predicate.ts';

/** Where watch events go: an HTTP response or a test buffer. */
export interface WatchSink {
  /** Returns false when the peer is not reading. */
  write(line: string): boolean;
  /** Bytes accepted but not yet sent. */
  pending(): number;
  end(): void;
  onClose(cb: () => void): void;
}

/** How a watch is shaped by its query. */
export interface WatchRequest {
  def: ResourceDefinition;
  namespace: string | undefined;
  /** Single-object watches (`fieldSelector=metadata.name=x` or a named URL). */
  name?: string;
  query: URLSearchParams;
  /** Wraps each object for the wire (plain or Table); `first` is true for the first event only. */
  convert(obj: KubeObject, first: boolean): unknown;
}

/** Above this many unsent bytes a watcher is considered stuck and is ended. */
const MAX_PENDING_BYTES = 32 * 1024 * 1024;
const BOOKMARK_INTERVAL_MS = 60_000;
const DEFAULT_TIMEOUT_S = 1800;

/** Start streaming; validates the query first (400 for bad selectors or resourceVersion, 410 when too old). */
export function startWatch(ctx: RestContext, req: WatchRequest, sink: WatchSink): void {
  const { key } = storeOf(ctx, req.def);
  const selectors = compileSelectors(req.def, req.query);
  const predicate = req.name
    ? (o: KubeObject) => o.metadata.name === req.name && (!selectors || selectors(o))
    : selectors;
  const rv = req.query.get('resourceVersion') || undefined;
  if (rv !== undefined && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
  const timeoutText = req.query.get('timeoutSeconds');
  const timeoutS = timeoutText ? Number(timeoutText) : DEFAULT_TIMEOUT_S;
  if (!Number.isFinite(timeoutS) || timeoutS < 0) throw badRequest(`invalid timeoutSeconds: ${timeoutText}`);
  const bookmarks = req.query.get('allowWatchBookmarks') === 'true';
  const nodeName = indexedNodeName(req.def, req.query);

  let first = true;
  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  const send = (event: WatchEvent<unknown>): void => {
    if (closed) return;
    sink.write(`${JSON.stringify(event)}\n`);
    if (sink.pending() > MAX_PENDING_BYTES) finish();
  };
  const watch = ctx.storage.watchWithClose(
    key,
    {
      namespace: req.namespace,
      predicate,
      resourceVersion: rv,
      // Only events of this node's pods reach a kubelet's watch, instead of every pod write in the cluster.
      ...(nodeName !== undefined ? { index: { name: NODE_NAME_INDEX, value: nodeName } } : {}),
    },
    (e) => {
      const object = req.convert(e.object, first);
      first = false;
      send({ type: e.type, object });
    },
    () => finish(),
  );
  const finish = (): void => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearTimeout(t);
    watch.stop();
    sink.end();
  };
  sink.onClose(finish);
  if (timeoutS > 0) timers.push(setTimeout(finish, timeoutS * 1000).unref());
  if (bookmarks) {
    const tick = (): void => {
      send({
        type: 'BOOKMARK',
        object: { kind: req.def.kind, apiVersion: apiVersionOf(req.def), metadata: { resourceVersion: ctx.storage.currentResourceVersion() } },
      });
      timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS).unref());
    };
    timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS).unref());
  }
}
