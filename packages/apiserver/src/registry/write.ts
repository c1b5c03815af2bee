// create, update (PUT) and patch: decode → reconcile URL and body → defaults → strategy → validate → store.
// Status subresources write only `status`; main-resource writes keep the stored status.
import {
  ApiError,
  apiVersionOf,
  applyPatch,
  badRequest,
  clone,
  conflict,
  forbidden,
  invalid,
  notFound,
  STALE_OBJECT_MESSAGE,
  type KubeObject,
  type ResourceDefinition,
} from '@hubspoke/api';
import { storeOf, type RestContext } from './context.ts';
import { prepareObjectMetaForCreate, prepareObjectMetaForUpdate, reconcileName, reconcileNamespace } from './object-meta.ts';

/** Options common to writes (`?dryRun=All&fieldManager=…`). */
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
export async function createObject(
  ctx: RestContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  body: KubeObject,
  opts: WriteOptions,
): Promise<KubeObject> {
  const { key, strategy } = storeOf(ctx, def);
  checkTypeMeta(def, body);
  reconcileNamespace(body, namespace);
  if (!body.metadata.name && !body.metadata.generateName) {
    throw invalid(def.kind, '', [{ type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }], def.group);
  }
  if (def.namespaced) await requireLiveNamespace(ctx, namespace ?? '');
  const obj = clone(body);
  obj.apiVersion = apiVersionOf(def);
  obj.kind = def.kind;
  prepareObjectMetaForCreate(obj, def.namespaced ? namespace : undefined, ctx.now());
  def.defaults?.(obj);
  await strategy.prepareForCreate?.(obj, ctx);
  validate(def, obj);
  if (opts.dryRun) return obj;
  return ctx.storage.create(key, obj);
}

/** PUT an object (or its status); 409 on a stale resourceVersion. */
export async function updateObject(
  ctx: RestContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  body: KubeObject,
  subresource: '' | 'status',
  opts: WriteOptions,
): Promise<KubeObject> {
  const { key } = storeOf(ctx, def);
  checkTypeMeta(def, body);
  reconcileName(body, name);
  reconcileNamespace(body, namespace);
  const expected = body.metadata.resourceVersion || undefined;
  return write(ctx, def, key, namespace, name, expected, opts, () => clone(body), subresource);
}

/** PATCH an object (or its status) with a merge, JSON or strategic merge patch. */
export async function patchObject(
  ctx: RestContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  contentType: string,
  patch: Buffer,
  subresource: '' | 'status',
  opts: WriteOptions,
): Promise<KubeObject> {
  const { key } = storeOf(ctx, def);
  return write(ctx, def, key, namespace, name, undefined, opts, (current) => {
    const patched = applyPatch(contentType, current, patch, { kind: def.kind }) as KubeObject;
    if (!patched || typeof patched !== 'object' || typeof patched.metadata !== 'object' || patched.metadata === null) {
      throw badRequest('the patch produced an object without metadata');
    }
    // A patch may carry a resourceVersion precondition: a stale one conflicts like a PUT.
    return patched;
  }, subresource, true);
}

async function write(
  ctx: RestContext,
  def: ResourceDefinition,
  key: string,
  namespace: string | undefined,
  name: string,
  expectedRV: string | undefined,
  opts: WriteOptions,
  produce: (current: KubeObject) => KubeObject,
  subresource: '' | 'status',
  patchPrecondition = false,
): Promise<KubeObject> {
  const { strategy } = storeOf(ctx, def);
  let dryRunResult: KubeObject | undefined;
  const updateFn = (current: KubeObject): KubeObject => {
    const next = produce(clone(current));
    if (patchPrecondition && next.metadata.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict({ group: def.group, resource: def.plural }, name, STALE_OBJECT_MESSAGE);
    }
    if (next.metadata.name !== undefined && next.metadata.name !== name) {
      throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
    }
    next.apiVersion = apiVersionOf(def);
    next.kind = def.kind;
    next.metadata.name = name;
    let result: KubeObject;
    if (subresource === 'status') {
      result = clone(current);
      if (next.status === undefined) delete result.status;
      else result.status = next.status;
      // A status write keeps everything but status from the stored object.
    } else {
      result = next;
      if (strategy.hasStatus) {
        if (current.status === undefined) delete result.status;
        else result.status = clone(current.status);
      }
      prepareObjectMetaForUpdate(result, current);
      def.defaults?.(result);
      strategy.prepareForUpdate?.(result, current, ctx);
    }
    result.metadata.resourceVersion = current.metadata.resourceVersion;
    validate(def, result, current);
    if (opts.dryRun) {
      dryRunResult = result;
      return current;
    }
    return result;
  };
  try {
    const stored = await ctx.storage.update(key, namespace, name, updateFn, expectedRV);
    return dryRunResult ?? stored;
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) throw notFound({ group: def.group, resource: def.plural }, name);
    throw err;
  }
}

function validate(def: ResourceDefinition, obj: KubeObject, old?: KubeObject): void {
  const errors = def.validate?.(obj, old) ?? [];
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

/** 404 for a missing namespace; 403 NamespaceTerminating for one being deleted (the NamespaceLifecycle plugin). */
export async function requireLiveNamespace(ctx: RestContext, namespace: string): Promise<void> {
  const ns = ctx.storage.peek('namespaces', undefined, namespace);
  if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
  if (ns.metadata.deletionTimestamp) {
    throw forbidden(`unable to create new content in namespace ${namespace} because it is being terminated`, {
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
    });
  }
}
