// DELETE and deletecollection: mutating admission for the request, validating admission for each object, then
// finalizers and graceful deletion mark the object; everything else removes it.
import {
  ApiError,
  badRequest,
  clone,
  notFound,
  nowTimestamp,
  successStatus,
  type KubeObject,
  type ResourceDefinition,
} from '@hubspoke/api';
import type { Preconditions } from '../storage/interface.ts';
import { admissionAttributes, storeOf, type RestContext, type RestTarget } from './context.ts';
import { listObjects } from './read.ts';
import { parseJson } from '../http/body.ts';

/** `metav1.DeleteOptions` as far as hubspoke honours it. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  propagationPolicy?: string;
  dryRun: boolean;
}

/** DeleteOptions from the body (if any) and the query string; the query wins, as in the apiserver. */
export function deleteOptions(body: Buffer, query: URLSearchParams): DeleteOptions {
  const opts: DeleteOptions = { dryRun: query.getAll('dryRun').length > 0 };
  if (body.length > 0) {
    const parsed = parseJson(body) as Record<string, unknown>;
    if (parsed && typeof parsed === 'object') {
      if (typeof parsed.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = parsed.gracePeriodSeconds;
      if (parsed.preconditions && typeof parsed.preconditions === 'object') opts.preconditions = parsed.preconditions as Preconditions;
      if (typeof parsed.propagationPolicy === 'string') opts.propagationPolicy = parsed.propagationPolicy;
      if (Array.isArray(parsed.dryRun) && parsed.dryRun.length) opts.dryRun = true;
    }
  }
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null) {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw badRequest(`invalid gracePeriodSeconds: ${grace}`);
    opts.gracePeriodSeconds = n;
  }
  const policy = query.get('propagationPolicy');
  if (policy) opts.propagationPolicy = policy;
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  return opts;
}

/** DELETE one object. Answers the object (graceful/finalized/pods) or a Success Status. */
export async function deleteObject(ctx: RestContext, target: RestTarget, opts: DeleteOptions): Promise<unknown> {
  await ctx.admission.admit(admissionAttributes(target, 'DELETE', opts.dryRun));
  return deleteAdmitted(ctx, target, opts);
}

// One object whose delete request passed the mutating phase.
async function deleteAdmitted(ctx: RestContext, target: RestTarget, opts: DeleteOptions): Promise<unknown> {
  const { def, namespace, name } = target;
  const { key, strategy } = storeOf(ctx, def);
  const current = await ctx.storage.get(key, namespace, name);
  if (!current) throw notFound({ group: def.group, resource: def.plural }, name);
  checkPreconditions(def, current, opts.preconditions);
  await ctx.admission.validate({ ...admissionAttributes(target, 'DELETE', opts.dryRun), oldObject: current });
  const plan = strategy.deletePlan?.(current, opts.gracePeriodSeconds, ctx) ?? { kind: 'now' as const };
  const hasFinalizers = (current.metadata.finalizers ?? []).length > 0;
  if (plan.kind === 'mark') {
    if (current.metadata.deletionTimestamp || opts.dryRun) return current;
    return ctx.storage.update(key, namespace, name, (obj) => {
      const next = clone(obj);
      next.metadata.deletionTimestamp = nowTimestamp(ctx.now());
      next.metadata.deletionGracePeriodSeconds = 0;
      strategy.onMarkedForDeletion?.(next);
      return next;
    });
  }

  if (hasFinalizers || plan.kind === 'graceful') {
    const grace = plan.kind === 'graceful' ? plan.graceSeconds : 0;
    const already = current.metadata.deletionTimestamp !== undefined;
    const shortens = already && grace < (current.metadata.deletionGracePeriodSeconds ?? Infinity);
    if (!hasFinalizers && plan.kind === 'graceful' && already && grace === 0) {
      return removeNow(ctx, def, key, current, opts, strategy.returnDeletedObject);
    }
    if (already && !shortens) return current;
    if (opts.dryRun) return current;
    return ctx.storage.update(key, namespace, name, (obj) => {
      const next = clone(obj);
      next.metadata.deletionTimestamp = nowTimestamp(new Date(ctx.now().getTime() + grace * 1000));
      next.metadata.deletionGracePeriodSeconds = grace;
      return next;
    });
  }
  return removeNow(ctx, def, key, current, opts, strategy.returnDeletedObject);
}

async function removeNow(
  ctx: RestContext,
  def: ResourceDefinition,
  key: string,
  current: KubeObject,
  opts: DeleteOptions,
  returnObject: boolean | undefined,
): Promise<unknown> {
  const { strategy } = storeOf(ctx, def);
  let deleted = current;
  if (!opts.dryRun) {
    deleted = await ctx.storage.delete(key, current.metadata.namespace, current.metadata.name ?? '', {
      uid: opts.preconditions?.uid,
      resourceVersion: opts.preconditions?.resourceVersion,
    });
    strategy.afterDelete?.(deleted, ctx);
  }
  if (returnObject) return deleted;
  return successStatus({ name: deleted.metadata.name, group: def.group || undefined, kind: def.plural, uid: deleted.metadata.uid });
}

function checkPreconditions(def: ResourceDefinition, obj: KubeObject, pre: Preconditions | undefined): void {
  if (!pre) return;
  const what = def.group ? `${def.plural}.${def.group}` : def.plural;
  if (pre.uid && pre.uid !== obj.metadata.uid) {
    throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${what} "${obj.metadata.name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`, { name: obj.metadata.name, kind: def.plural });
  }
  if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${what} "${obj.metadata.name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`, { name: obj.metadata.name, kind: def.plural });
  }
}

/** DELETE a collection: every object matching the selectors; answers the list of what was deleted. */
export async function deleteCollection(ctx: RestContext, target: RestTarget, query: URLSearchParams, opts: DeleteOptions): Promise<unknown> {
  // The request is admitted once, without a name; each object is then validated as it is deleted.
  await ctx.admission.admit(admissionAttributes({ ...target, name: '' }, 'DELETE', opts.dryRun));
  const list = await listObjects(ctx, target.def, target.namespace, query);
  const items: unknown[] = [];
  for (const item of list.items) {
    const one = { ...target, namespace: item.metadata.namespace, name: item.metadata.name ?? '' };
    try {
      items.push(await deleteAdmitted(ctx, one, { ...opts, preconditions: undefined }));
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
  return { ...list, items: items.filter((i): i is KubeObject => typeof i === 'object' && i !== null && 'metadata' in i && (i as KubeObject).kind !== 'Status') };
}
