// Routes a resource request to the generic REST operation or subresource handler for its verb.
// Deciding *which* operation runs happens here; the operations themselves live in registry/.
import {
  ApiError,
  methodNotAllowed,
  toTable,
  type KubeObject,
  type ResourceDefinition,
} from '@hubspoke/api';
import { anonymousUser } from '@hubspoke/auth';
import { decodeObjectBody, mediaType } from '../http/body.ts';
import { negotiateConversion, type Conversion } from '../http/negotiate.ts';
import type { RestContext, RestTarget } from '../registry/context.ts';
import { deleteCollection, deleteObject, deleteOptions } from '../registry/delete.ts';
import { getObject, listObjects } from '../registry/read.ts';
import { startWatch, type WatchSink } from '../registry/watch.ts';
import { createObject, patchObject, updateObject, writeOptions, type PatchBody } from '../registry/write.ts';
import type { ApiRequest, ApiResponse } from '../request/context.ts';
import { bindPod } from './binding.ts';
import { notFoundPath } from './non-resource.ts';
import { review, type ReviewContext } from './reviews.ts';
import { tokenRequest, type TokenSigner } from './token-request.ts';

/** A handler for a subresource served outside the generic operations (logs, exec, proxy, …). */
export type SubresourceHandler = (req: ApiRequest, def: ResourceDefinition) => Promise<ApiResponse | StreamResponse>;

/** An answer streamed to the client (watch). */
export interface StreamResponse {
  stream(sink: WatchSink): void;
  contentType: string;
}

/** Everything resource routing needs. */
export interface ResourceContext extends RestContext {
  reviews: ReviewContext;
  signer?: TokenSigner;
  apiAudiences: string[];
  /** Extra subresources keyed `pods/log`, `nodes/proxy`, … */
  subresources: Map<string, SubresourceHandler>;
}

/** Answer a resource request whose user is already authorized. */
export async function handleResource(ctx: ResourceContext, req: ApiRequest): Promise<ApiResponse | StreamResponse> {
  const info = req.info;
  const def = ctx.catalog.lookup(info.apiGroup, info.apiVersion, info.resource);
  if (!def) throw notFoundPath();
  const isNamespaceObject = def.plural === 'namespaces' && info.apiGroup === '';
  const namespace = def.namespaced ? info.namespace || undefined : undefined;
  if (!def.namespaced && info.namespace && !isNamespaceObject) throw notFoundPath();
  const method = req.method.toUpperCase();

  if (info.subresource) {
    const extra = ctx.subresources.get(`${def.plural}/${info.subresource}`);
    if (extra) return extra(req, def);
    return subresource(ctx, req, def, namespace);
  }
  if (def.plural === 'bindings' && method === 'POST') {
    const body = decodeObjectBody(req.headers['content-type'], req.body);
    const binding = { ...targetOf(req, def, namespace), name: body.metadata.name ?? '' };
    return { status: 201, body: await bindPod({ storage: ctx.storage, admission: ctx.admission, target: binding, podName: binding.name, body }) };
  }
  if (def.virtual) {
    if (method !== 'POST') throw methodNotAllowed();
    const body = decodeObjectBody(req.headers['content-type'], req.body);
    const answer = await review(ctx.reviews, req, def.plural, body);
    if (!answer) throw notFoundPath();
    answer.apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
    answer.kind = def.kind;
    return { status: 201, body: answer };
  }
  if (def.namespaced && !namespace && info.verb !== 'list' && info.verb !== 'watch') throw notFoundPath();
  if (!def.verbs.includes(info.verb)) throw methodNotAllowed();

  const target = targetOf(req, def, namespace);
  const conversion = negotiateConversion(req.headers.accept);
  const includeObject = req.info.query.get('includeObject') as 'None' | 'Metadata' | 'Object' | null;
  switch (info.verb) {
    case 'get':
      return respond(200, convertOne(def, await getObject(ctx, def, namespace, info.name), conversion, ctx.now(), includeObject));
    case 'list': {
      const list = await listObjects(ctx, def, namespace, info.query);
      if (conversion.as === 'object') return respond(200, list);
      return respond(200, convertList(def, list.items, conversion, ctx.now(), includeObject, { ...list.metadata }));
    }
    case 'watch': {
      const query = new URLSearchParams(info.query);
      return {
        contentType: 'application/json',
        stream: (sink) =>
          startWatch(
            ctx,
            {
              def,
              namespace,
              name: info.name || undefined,
              query,
              convert: (obj, first) =>
                conversion.as === 'object' ? obj : convertList(def, [obj], conversion, ctx.now(), includeObject, {}, !first),
            },
            sink,
          ),
      };
    }
    case 'create': {
      const body = decodeObjectBody(req.headers['content-type'], req.body);
      return respond(201, await createObject(ctx, target, body, writeOptions(info.query)));
    }
    case 'update': {
      const body = decodeObjectBody(req.headers['content-type'], req.body);
      return respond(200, await updateObject(ctx, target, body, writeOptions(info.query)));
    }
    case 'patch':
      return respond(200, await patchObject(ctx, target, patchBody(req), writeOptions(info.query)));
    case 'delete': {
      const result = await deleteObject(ctx, target, deleteOptions(req.body, info.query));
      const stillThere = (result as KubeObject).metadata?.deletionTimestamp !== undefined && (result as KubeObject).kind !== 'Status';
      return respond(stillThere ? 202 : 200, result);
    }
    case 'deletecollection':
      return respond(200, await deleteCollection(ctx, target, info.query, deleteOptions(req.body, info.query)));
    default:
      throw methodNotAllowed();
  }
}

async function subresource(ctx: ResourceContext, req: ApiRequest, def: ResourceDefinition, namespace: string | undefined): Promise<ApiResponse> {
  const info = req.info;
  const method = req.method.toUpperCase();
  if (!(def.subresources ?? []).includes(info.subresource)) throw notFoundPath();
  const target = targetOf(req, def, namespace);
  // `approval` (CSRs) is served like `status`: the object in, the object out, its strategy deciding what changes.
  if (info.subresource === 'status' || info.subresource === 'approval') {
    if (method === 'GET') return respond(200, await getObject(ctx, def, namespace, info.name));
    if (method === 'PUT') {
      const body = decodeObjectBody(req.headers['content-type'], req.body);
      return respond(200, await updateObject(ctx, target, body, writeOptions(info.query)));
    }
    if (method === 'PATCH') return respond(200, await patchObject(ctx, target, patchBody(req), writeOptions(info.query)));
    throw methodNotAllowed();
  }
  if (info.subresource === 'binding' && def.plural === 'pods') {
    if (method !== 'POST') throw methodNotAllowed();
    const body = decodeObjectBody(req.headers['content-type'], req.body);
    return respond(201, await bindPod({ storage: ctx.storage, admission: ctx.admission, target, podName: info.name, body }));
  }
  if (info.subresource === 'token' && def.plural === 'serviceaccounts') {
    if (method !== 'POST') throw methodNotAllowed();
    const body = decodeObjectBody(req.headers['content-type'], req.body);
    const answer = await tokenRequest({
      storage: ctx.storage,
      admission: ctx.admission,
      target,
      signer: ctx.signer,
      apiAudiences: ctx.apiAudiences,
      body,
      now: ctx.now(),
    });
    return respond(201, answer);
  }
  throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${method.toLowerCase()} ${def.plural} ${info.name})`);
}

// What a write addresses and who asks: the impersonated user when the request impersonates.
function targetOf(req: ApiRequest, def: ResourceDefinition, namespace: string | undefined): RestTarget {
  return { def, namespace, name: req.info.name, subresource: req.info.subresource, user: req.user ?? anonymousUser() };
}


function patchBody(req: ApiRequest): PatchBody {
  return { contentType: mediaType(req.headers['content-type']), bytes: req.body };
}

function respond(status: number, body: unknown): ApiResponse {
  return { status, body };
}

function convertOne(def: ResourceDefinition, obj: KubeObject, conversion: Conversion, now: Date, includeObject: string | null): unknown {
  if (conversion.as === 'object') return obj;
  return convertList(def, [obj], conversion, now, includeObject, { resourceVersion: obj.metadata.resourceVersion });
}

function convertList(
  def: ResourceDefinition,
  items: KubeObject[],
  conversion: Exclude<Conversion, { as: 'object' }>,
  now: Date,
  includeObject: string | null,
  listMeta: Record<string, unknown>,
  noHeaders = false,
): unknown {
  if (conversion.as === 'PartialObjectMetadata') {
    const apiVersion = `meta.k8s.io/${conversion.version}`;
    return {
      kind: 'PartialObjectMetadataList',
      apiVersion,
      metadata: listMeta,
      items: items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion, metadata: o.metadata })),
    };
  }
  const table = toTable(def, items, {
    now,
    includeObject: (includeObject as 'None' | 'Metadata' | 'Object' | null) ?? 'Metadata',
    listMeta,
    noHeaders,
  }) as unknown as Record<string, unknown>;
  table.apiVersion = `meta.k8s.io/${conversion.version}`;
  return table;
}
