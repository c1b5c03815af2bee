// create, update (PUT) and patch: decode → reconcile URL and body → defaults → mutating admission → strategy →
// validate → validating admission → store. Status subresources write only `status` unless the kind's strategy
// says otherwise; main-resource writes keep the stored status.
import {
  apiVersionOf,
  applyPatch,
  badRequest,
  clone,
  conflict,
  invalid,
  methodNotAllowed,
  STALE_OBJECT_MESSAGE,
  type KubeObject,
  type ResourceDefinition,
} from '@hubspoke/api';
import { admissionAttributes, storeOf, type RestContext, type RestTarget } from './context.ts';
import { prepareObjectMetaForCreate, prepareObjectMetaForUpdate, reconcileName, reconcileNamespace } from './object-meta.ts';
import type { Strategy, StrategyContext, UpdateStrategy } from './strategy.ts';

/** Options common to writes (`?dryRun=All`). */
export interface WriteOptions {
  dryRun: boolean;
}

/** Write options from the query string. */
export function writeOptions(query: URLSearchParams): WriteOptions {
  const dryRun = query.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw badRequest(`unsupported dry run value: "${d}"`);
  return { dryRun: dryRun.length > 0 };
}

/** POST a new object; answers 201 with the stored object. */
export async function createObject(ctx: RestContext, target: RestTarget, body: KubeObject, opts: WriteOptions): Promise<KubeObject> {
  const { def, namespace } = target;
  const { key, strategy } = storeOf(ctx, def);
  checkTypeMeta(def, body);
  reconcileNamespace(body, namespace);
  if (!body.metadata.name && !body.metadata.generateName) {
    throw invalid(def.kind, '', [{ type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }], def.group);
  }
  const obj = clone(body);
  obj.apiVersion = apiVersionOf(def);
  obj.kind = def.kind;
  prepareObjectMetaForCreate(obj, def.namespaced ? namespace : undefined, ctx.now());
  def.defaults?.(obj);
  // Admission names the object as the client did: a generated name does not exist yet for Kubernetes here.
  const attrs = { ...admissionAttributes({ ...target, name: body.metadata.name ?? '' }, 'CREATE', opts.dryRun), object: obj };
  await ctx.admission.admit(attrs);
  await strategy.prepareForCreate?.(obj, ctx, target.user);
  validate(def, obj);
  await ctx.admission.validate(attrs);
  if (opts.dryRun) return obj;
  return ctx.storage.create(key, obj);
}

/** PUT an object (or a subresource of it); 409 on a stale resourceVersion. */
export async function updateObject(ctx: RestContext, target: RestTarget, body: KubeObject, opts: WriteOptions): Promise<KubeObject> {
  checkTypeMeta(target.def, body);
  reconcileName(body, target.name);
  reconcileNamespace(body, target.namespace);
  return write(ctx, target, opts, { produce: () => clone(body), expectedRV: body.metadata.resourceVersion || undefined });
}

/** A PATCH body and its media type (merge, JSON or strategic merge patch). */
export interface PatchBody {
  contentType: string;
  bytes: Buffer;
}

/** PATCH an object (or a subresource of it). */
export async function patchObject(ctx: RestContext, target: RestTarget, patch: PatchBody, opts: WriteOptions): Promise<KubeObject> {
  const { def } = target;
  return write(ctx, target, opts, {
    produce: (current) => {
      const patched = applyPatch(patch.contentType, current, patch.bytes, { kind: def.kind }) as KubeObject;
      if (!patched || typeof patched !== 'object' || typeof patched.metadata !== 'object' || patched.metadata === null) {
        throw badRequest('the patch produced an object without metadata');
      }
      return patched;
    },
    // A patch may carry a resourceVersion precondition: a stale one conflicts like a PUT.
    patchPrecondition: true,
  });
}

interface Produce {
  produce: (current: KubeObject) => KubeObject;
  expectedRV?: string;
  patchPrecondition?: boolean;
}

async function write(ctx: RestContext, target: RestTarget, opts: WriteOptions, how: Produce): Promise<KubeObject> {
  const { def, namespace, name, subresource } = target;
  const { key, strategy } = storeOf(ctx, def);
  const endpoint: UpdateStrategy | undefined = subresource ? strategy.subresources?.[subresource] : strategy;
  if (subresource && !endpoint && subresource !== 'status') throw methodNotAllowed();
  const attrs = admissionAttributes(target, 'UPDATE', opts.dryRun);
  let dryRunResult: KubeObject | undefined;
  const updateFn = async (current: KubeObject): Promise<KubeObject> => {
    const next = how.produce(clone(current));
    if (how.patchPrecondition && next.metadata.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict({ group: def.group, resource: def.plural }, name, STALE_OBJECT_MESSAGE);
    }
    if (next.metadata.name !== undefined && next.metadata.name !== name) {
      throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
    }
    next.apiVersion = apiVersionOf(def);
    next.kind = def.kind;
    next.metadata.name = name;
    if (endpoint) def.defaults?.(next);
    await ctx.admission.admit({ ...attrs, object: next, oldObject: current });
    const result = endpoint ? shapeFromRequest(next, current, strategy, endpoint, ctx, subresource) : statusOnly(next, current);
    result.metadata.resourceVersion = current.metadata.resourceVersion;
    const errors = (endpoint?.validateUpdate ?? def.validate)?.(result, current) ?? [];
    if (errors.length) throw invalid(def.kind, result.metadata.name ?? '', errors, def.group);
    await ctx.admission.validate({ ...attrs, object: result, oldObject: current });
    if (opts.dryRun) {
      dryRunResult = result;
      return current;
    }
    return result;
  };
  // The storage key names the resource as Kubernetes does, so its NotFound reads `<resource> "<name>" not found`.
  const stored = await ctx.storage.update(key, namespace, name, updateFn, how.expectedRV);
  return dryRunResult ?? stored;
}

// The requested object, minus what this endpoint may not change: a main update keeps the stored status (for
// kinds with a status subresource); a subresource strategy keeps what it keeps.
function shapeFromRequest(
  next: KubeObject,
  current: KubeObject,
  strategy: Strategy,
  endpoint: UpdateStrategy,
  ctx: StrategyContext,
  subresource: string,
): KubeObject {
  if (!subresource && strategy.hasStatus) {
    if (current.status === undefined) delete next.status;
    else next.status = clone(current.status);
  }
  endpoint.prepareForUpdate?.(next, current, ctx);
  prepareObjectMetaForUpdate(next, current);
  return next;
}

// A plain status write keeps everything but status from the stored object.
function statusOnly(next: KubeObject, current: KubeObject): KubeObject {
  const result = clone(current);
  if (next.status === undefined) delete result.status;
  else result.status = next.status;
  return result;
}

function validate(def: ResourceDefinition, obj: KubeObject): void {
  const errors = def.validate?.(obj) ?? [];
  if (errors.length) throw invalid(def.kind, obj.metadata.name ?? '', errors, def.group);
}

function checkTypeMeta(def: ResourceDefinition, body: KubeObject): void {
  if (body.kind !== undefined && body.kind !== def.kind) {
    throw badRequest(`${body.kind} in version "${body.apiVersion ?? ''}" cannot be handled as a ${def.kind}: the kind in the body does not match the resource`);
  }
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(def)) {
    throw badRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(def)})`,
    );
  }
}
