// A watch as an async iterable: one GET with `watch=true`, its body decoded line by line into events.
// Ends when the server ends the stream or the caller aborts; an `ERROR` event is thrown as its ApiError.
import type { KubeObject, WatchEvent } from '@hubspoke/api';
import { errorFromBody, errorFromStatus } from './errors.ts';
import { JsonLineDecoder } from './json-lines.ts';
import { withQuery } from './paths.ts';
import type { Transport } from './transport.ts';

/** Query options of a watch request. */
export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  /** Asks the server to end the watch after this many seconds. */
  timeoutSeconds?: number;
  /** Aborting ends the iteration quietly. */
  signal?: AbortSignal;
}

/** Streams watch events for `path` (a collection path without `?watch`). */
export async function* watchEvents<T = KubeObject>(
  transport: Transport,
  path: string,
  opts: WatchOptions = {},
): AsyncGenerator<WatchEvent<T>, void, undefined> {
  const url = withQuery(path, {
    watch: true,
    resourceVersion: opts.resourceVersion,
    labelSelector: opts.labelSelector,
    fieldSelector: opts.fieldSelector,
    allowWatchBookmarks: opts.allowWatchBookmarks,
    timeoutSeconds: opts.timeoutSeconds,
  });
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) return;

  try {
    const res = await transport.stream({ method: 'GET', path: url, signal: controller.signal, timeoutMs: 0 });
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      throw errorFromBody(status, Buffer.concat(chunks));
    }
    const decoder = new JsonLineDecoder();
    for await (const chunk of res) {
      for (const value of decoder.push(chunk as Buffer)) yield toEvent<T>(value);
    }
    for (const value of decoder.end()) yield toEvent<T>(value);
  } catch (err) {
    if (opts.signal?.aborted) return;
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    // Leaving the loop early (break, throw in the consumer) must close the connection too.
    controller.abort();
  }
}

function toEvent<T>(value: unknown): WatchEvent<T> {
  const event = value as { type?: unknown; object?: unknown };
  if (typeof event !== 'object' || event === null || typeof event.type !== 'string') {
    throw new SyntaxError('watch: a line is not a watch event');
  }
  // A 410 here means the requested resourceVersion is too old: callers relist.
  if (event.type === 'ERROR') throw errorFromStatus(event.object, 500);
  return event as WatchEvent<T>;
}
