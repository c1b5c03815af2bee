// The typed-enough JSON client: one method per REST verb, every non-2xx answer thrown as an ApiError.
import type { KubeList, KubeObject, WatchEvent } from '@hubspoke/api';
import type { ClientConfig } from './config.ts';
import { errorFromBody } from './errors.ts';
import { withQuery } from './paths.ts';
import { createTransport } from './transport.ts';
import type { BufferedResponse, Transport } from './transport.ts';
import { watchEvents } from './watch.ts';
import type { WatchOptions } from './watch.ts';

/** Options of a list request. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** Options of a create request. */
export interface CreateOptions {
  fieldManager?: string;
}

/** Patch flavours and their content types. */
export type PatchType = 'merge' | 'json' | 'strategic';

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/** `metav1.DeleteOptions` fields a client sets. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

/** Options of the raw escape hatch. */
export interface RawOptions {
  headers?: Record<string, string>;
  body?: Buffer | string;
  signal?: AbortSignal;
}

/** A JSON client for one apiserver. Paths are absolute API paths such as `/api/v1/nodes/n1`. */
export interface ApiClient {
  readonly server: string;
  get<T = KubeObject>(path: string): Promise<T>;
  list<T extends KubeObject = KubeObject>(path: string, opts?: ListOptions): Promise<KubeList<T>>;
  /** POST `obj` to the collection at `path`. */
  create<T = KubeObject>(path: string, obj: unknown, opts?: CreateOptions): Promise<T>;
  /** PUT `obj` to the object (or subresource) at `path`. */
  update<T = KubeObject>(path: string, obj: unknown): Promise<T>;
  patch<T = KubeObject>(path: string, body: unknown, type: PatchType): Promise<T>;
  /** The deleted object, or the Status the server returns. */
  delete<T = unknown>(path: string, opts?: DeleteOptions): Promise<T>;
  /** Events until the server ends the stream or `opts.signal` aborts. */
  watch<T = KubeObject>(path: string, opts?: WatchOptions): AsyncIterable<WatchEvent<T>>;
  /** Any request; the response is returned whatever its status. */
  raw(method: string, path: string, opts?: RawOptions): Promise<BufferedResponse>;
  /** Ends open connections, including watches. */
  close(): void;
}

/** A client for `config`; throws when the config cannot work (bad URL, cert without key). */
export function createClient(config: ClientConfig): ApiClient {
  return clientOverTransport(createTransport(config));
}

/** A client over an existing transport (tests and alternative dialers). */
export function clientOverTransport(transport: Transport): ApiClient {
  async function json<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const headers: Record<string, string> = {};
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = contentType;
    }
    const res = await transport.send({ method, path, headers, body: payload });
    if (res.status < 200 || res.status > 299) throw errorFromBody(res.status, res.body);
    if (res.body.length === 0) return undefined as T;
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  return {
    server: transport.server.toString().replace(/\/$/, ''),
    get: (path) => json('GET', path),
    list: (path, opts = {}) =>
      json(
        'GET',
        withQuery(path, {
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: opts.limit,
          continue: opts.continue,
          resourceVersion: opts.resourceVersion,
        }),
      ),
    create: (path, obj, opts = {}) => json('POST', withQuery(path, { fieldManager: opts.fieldManager }), obj),
    update: (path, obj) => json('PUT', path, obj),
    patch: (path, body, type) => json('PATCH', path, body, patchContentTypes[type]),
    delete: (path, opts) => {
      const body = opts && Object.keys(opts).length > 0 ? { kind: 'DeleteOptions', apiVersion: 'v1', ...opts } : undefined;
      return json('DELETE', path, body);
    },
    watch: (path, opts) => watchEvents(transport, path, opts),
    raw: (method, path, opts = {}) =>
      transport.send({ method, path, headers: opts.headers, body: opts.body, signal: opts.signal }),
    close: () => transport.close(),
  };
}
