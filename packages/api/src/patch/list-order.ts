// The order of a merged list after a strategic merge patch (apimachinery's "preserve order" rules): items the
// patch names keep the patch's order (or `$setElementOrder`'s), items only the server has keep the live
// order, and the two are interleaved using the live list's positions as the tie-breaker.
import { noMergeKey } from './patch-errors.ts';
import { hasOwn, isJsonObject, type Json } from './json-value.ts';

/** How list items are identified: by the value of a merge key (maps) or by themselves (scalars). */
export interface ItemIdentity {
  readonly mergeKey: string;
  readonly maps: boolean;
}

function identityOf(item: Json, id: ItemIdentity): Json | undefined {
  if (!id.maps) return item;
  return isJsonObject(item) && hasOwn(item, id.mergeKey) ? item[id.mergeKey] : undefined;
}

/** The position of `item` in `list`, comparing identities, or -1. */
export function indexOfItem(list: readonly Json[], item: Json, id: ItemIdentity): number {
  const wanted = identityOf(item, id);
  return list.findIndex((candidate) => identityOf(candidate, id) === wanted);
}

/** Map items must carry their merge key; apimachinery fails the whole patch otherwise. */
export function requireMergeKeys(id: ItemIdentity, ...lists: readonly Json[][]): void {
  if (!id.maps) return;
  for (const list of lists) {
    for (const item of list) {
      if (!isJsonObject(item) || !hasOwn(item, id.mergeKey)) throw noMergeKey(item, id.mergeKey);
    }
  }
}

/** Split `items` into those `reference` names and the rest, keeping their order. */
export function partitionByPresence(items: readonly Json[], reference: readonly Json[], id: ItemIdentity): [Json[], Json[]] {
  requireMergeKeys(id, [...items]);
  const named: Json[] = [];
  const others: Json[] = [];
  for (const item of items) (indexOfItem(reference, item, id) >= 0 ? named : others).push(item);
  return [named, others];
}

function sortedBy(items: readonly Json[], order: readonly Json[], id: ItemIdentity): Json[] {
  const rank = (item: Json): number => {
    const i = indexOfItem(order, item, id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...items].sort((a, b) => rank(a) - rank(b));
}

/**
 * `normalizeElementOrder`: sort the patch's items by `patchOrder` and the server-only items by `serverOrder`,
 * then interleave them. A server-only item goes first only when the live list shows it before the next patch
 * item; items new to the server therefore come as early as the patch order allows.
 */
export function normalizeOrder(options: {
  patchItems: readonly Json[];
  serverOnly: readonly Json[];
  patchOrder: readonly Json[];
  serverOrder: readonly Json[];
  id: ItemIdentity;
}): Json[] {
  const { id, serverOrder } = options;
  requireMergeKeys(id, [...options.patchItems], [...options.patchOrder]);
  requireMergeKeys(id, [...options.serverOnly], [...serverOrder]);
  const right = sortedBy(options.patchItems, options.patchOrder, id);
  const left = sortedBy(options.serverOnly, serverOrder, id);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = indexOfItem(serverOrder, left[i], id);
      const ri = indexOfItem(serverOrder, right[j], id);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}
