// get and list: reads straight from storage, with selectors, paging and resourceVersion in the list meta.
import { apiVersionOf, badRequest, notFound, type KubeList, type KubeObject, type ResourceDefinition } from '@hubspoke/api';
import { storeOf, type RestContext } from './context.ts';
import { compileSelectors, indexedNodeName, NODE_NAME_INDEX } from './predicate.ts';

/** GET one object; 404 with the apiserver's text when missing. */
export async function getObject(ctx: RestContext, def: ResourceDefinition, namespace: string | undefined, name: string): Promise<KubeObject> {
  const { key } = storeOf(ctx, def);
  const obj = await ctx.storage.get(key, namespace, name);
  if (!obj) throw notFound({ group: def.group, resource: def.plural }, name);
  return obj;
}

/** GET a collection (`?labelSelector&fieldSelector&limit&continue`). */
export async function listObjects(
  ctx: RestContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  query: URLSearchParams,
): Promise<KubeList> {
  const { key } = storeOf(ctx, def);
  const predicate = compileSelectors(def, query);
  const limitText = query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${limitText}`);
  // A kubelet's `spec.nodeName=<node>` list is answered from the node index instead of scanning every pod.
  const nodeName = indexedNodeName(def, query);
  if (nodeName !== undefined && !query.get('limit') && !query.get('continue')) {
    return {
      kind: def.listKind,
      apiVersion: apiVersionOf(def),
      metadata: { resourceVersion: ctx.storage.currentResourceVersion() },
      items: ctx.storage.peekByIndex(key, NODE_NAME_INDEX, nodeName, { namespace, predicate }).map(stripTypeMeta),
    };
  }
  // Frozen items: the list is only serialized, never mutated, so copying 150k pods would be wasted work.
  const page = ctx.storage.listFrozen(key, {
    namespace,
    predicate,
    limit,
    continue: query.get('continue') || undefined,
  });
  const list: KubeList = {
    kind: def.listKind,
    apiVersion: apiVersionOf(def),
    metadata: { resourceVersion: page.resourceVersion },
    items: page.items.map(stripTypeMeta),
  };
  if (page.continue) list.metadata.continue = page.continue;
  if (page.remainingItemCount !== undefined) list.metadata.remainingItemCount = page.remainingItemCount;
  return list;
}

/** List items carry no apiVersion/kind on the wire, as the apiserver sends them. */
function stripTypeMeta(obj: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return rest as KubeObject;
}
