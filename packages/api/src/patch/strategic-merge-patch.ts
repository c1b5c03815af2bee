// Strategic merge patch (`application/strategic-merge-patch+json`), applied the way the apiserver applies it
// (apimachinery strategicpatch.StrategicMergeMapPatch, v0.32): maps merge recursively, `null` deletes, lists
// merge by their patch merge key or are replaced, and the directives kubectl writes are honoured:
//   `$patch: replace|delete` on a map, `$patch: delete|replace` as a list item, `$retainKeys`,
//   `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`.
// `$patch: merge` is refused, as the apiserver refuses it. Where the apiserver would keep nulls or directive
// keys inside values it copies wholesale (and then drop them while decoding into a typed object), they are
// dropped here, since these objects are stored as plain JSON.
import { cloneJson, hasOwn, isJsonObject, jsonKind, setKey, type Json, type JsonObject } from './json-value.ts';
import { indexOfItem, normalizeOrder, partitionByPresence, type ItemIdentity } from './list-order.ts';
import { patchStrategyFor, type FieldPatchStrategy } from './merge-keys.ts';
import {
  badArgType,
  badPatchFormat,
  goValue,
  noMergeKey,
  patchFailed,
  patchRejected,
} from './patch-errors.ts';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** Where the strategic rules come from: a kind in the merge-key table, or any path lookup (for tests). */
export type StrategySource = { kind: string } | { lookup: (path: string) => FieldPatchStrategy | undefined };

type Lookup = (path: string) => FieldPatchStrategy | undefined;

/** Apply a strategic merge patch to an object; pure. Throws ApiError with the apiserver's status. */
export function strategicMergePatch(original: JsonObject, patch: JsonObject, source: StrategySource): JsonObject {
  const lookup: Lookup = 'lookup' in source ? source.lookup : (path) => patchStrategyFor(source.kind, path);
  return mergeMap(cloneJson(original), cloneJson(patch), '', lookup);
}

const child = (path: string, key: string): string => (path ? `${path}.${key}` : key);

// `$setElementOrder/containers` → `containers`; a prefix without the slash is malformed.
function directiveTarget(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badPatchFormat(prefix === SET_ELEMENT_ORDER ? 'setElementOrder list' : 'primitive list');
  }
  return key.slice(slash + 1);
}

function isDirectiveKey(key: string): boolean {
  return key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER) || key.startsWith(DELETE_FROM_PRIMITIVE_LIST);
}

/**
 * A patch value taken as is (no counterpart to merge with): maps carrying `$patch` vanish, nulls inside maps
 * are discarded and other directive keys removed. Returns undefined when the value itself vanishes.
 */
function plainValue(value: Json): Json | undefined {
  if (Array.isArray(value)) {
    const items: Json[] = [];
    for (const item of value) {
      const kept = plainValue(item);
      if (kept !== undefined) items.push(kept);
    }
    return items;
  }
  if (!isJsonObject(value)) return value;
  if (hasOwn(value, PATCH)) return undefined;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    if (value[key] === null || isDirectiveKey(key)) continue;
    const kept = plainValue(value[key]);
    if (kept !== undefined) setKey(out, key, kept);
  }
  return out;
}

function setPlain(target: JsonObject, key: string, value: Json): void {
  const kept = plainValue(value);
  if (kept === undefined) delete target[key];
  else setKey(target, key, kept);
}

function mergeMap(original: JsonObject | undefined, patch: JsonObject, path: string, lookup: Lookup): JsonObject {
  if (hasOwn(patch, PATCH)) {
    const directive = patch[PATCH];
    if (directive === 'replace') {
      delete patch[PATCH];
      return plainValue(patch) as JsonObject;
    }
    if (directive === 'delete') return {};
    throw patchFailed(`unknown patch type: ${goValue(directive)} in map: ${goValue(patch)}`);
  }
  const target = original ?? {};
  applyRetainKeys(target, patch);
  applyElementOrder(target, patch, path, lookup);

  for (const key of Object.keys(patch)) {
    const value = patch[key];
    let field = key;
    let deleteList = false;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      field = directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST);
      deleteList = true;
    }
    if (value === null) {
      delete target[field];
      continue;
    }
    if (!hasOwn(target, field) || jsonKind(target[field]) !== jsonKind(value)) {
      // Nothing to merge with: the patch value stands (a deletion list never adds anything).
      if (!deleteList) setPlain(target, field, value);
      continue;
    }
    const current = target[field];
    const fieldPath = child(path, field);
    if (isJsonObject(current)) {
      if (lookup(fieldPath)?.strategy === 'replace') setPlain(target, field, value);
      else setKey(target, field, mergeMap(current, value as JsonObject, fieldPath, lookup));
    } else if (Array.isArray(current)) {
      setKey(target, field, mergeListField(current, value as Json[], fieldPath, deleteList, lookup));
    } else {
      setKey(target, field, value);
    }
  }
  return target;
}

// `$retainKeys: [a, b]`: keys of the live map not listed are cleared; the patch may only set listed keys.
function applyRetainKeys(target: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const listed = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(listed)) throw badPatchFormat('retainKeys');
  const keep = new Set<Json>(listed);
  for (const key of Object.keys(patch)) {
    if (patch[key] === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(key)) throw badPatchFormat('retainKeys');
  }
  for (const key of Object.keys(target)) if (!keep.has(key)) delete target[key];
}

function identityFor(strategy: FieldPatchStrategy | undefined, items: readonly Json[]): ItemIdentity {
  const mergeKey = strategy?.strategy === 'merge' ? (strategy.mergeKey ?? '') : '';
  return { mergeKey, maps: mergeKey !== '' && items.some(isJsonObject) };
}

// `$setElementOrder/<list>`: merge that list now, then order it by the directive (which names every item
// the client knows, in the order it wants) and the live order for the rest.
function applyElementOrder(target: JsonObject, patch: JsonObject, path: string, lookup: Lookup): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw badArgType('list', order);
    const field = directiveTarget(key, SET_ELEMENT_ORDER);
    const fieldPath = child(path, field);
    const live = hasOwn(target, field) ? target[field] : undefined;
    const patched = hasOwn(patch, field) ? patch[field] : undefined;
    if (live !== undefined && !Array.isArray(live)) throw badArgType('list', live);
    if (patched !== undefined && !Array.isArray(patched)) throw badArgType('list', patched);
    const strategy = lookup(fieldPath);
    const id = identityFor(strategy, [...(live ?? []), ...(patched ?? []), ...order]);
    checkOrderMatchesPatch(patched ?? [], order, id);

    let merged: Json[];
    if (live !== undefined && patched === undefined) merged = live;
    else if (live === undefined && patched !== undefined) merged = plainValue(patched) as Json[];
    else if (live !== undefined && patched !== undefined) merged = mergeListField(live, patched, fieldPath, false, lookup);
    else continue;

    const [patchItems, serverOnly] = partitionByPresence(merged, order, id);
    setKey(target, field, normalizeOrder({ patchItems, serverOnly, patchOrder: order, serverOrder: live ?? [], id }));
    delete patch[field];
  }
}

// The patch list (deletions aside) must follow the directive's relative order and be a subset of it.
function checkOrderMatchesPatch(patchList: readonly Json[], order: readonly Json[], id: ItemIdentity): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = id.maps ? patchList.filter((item) => !(isJsonObject(item) && item[PATCH] === 'delete')) : patchList;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isJsonObject(item) && hasOwn(item, PATCH)) {
      p++;
      continue;
    }
    if (id.maps) {
      const wanted = order[o];
      if (!isJsonObject(item) || !hasOwn(item, id.mergeKey)) throw noMergeKey(item, id.mergeKey);
      if (!isJsonObject(wanted) || !hasOwn(wanted, id.mergeKey)) throw noMergeKey(wanted, id.mergeKey);
    }
    if (indexOfItem([order[o]], item, id) === 0) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw patchFailed(
      `The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(order)}\n`,
    );
  }
}

// A list present in both: merged when its strategy says so (or for a deletion list), else replaced.
function mergeListField(live: Json[], patch: Json[], path: string, deleteList: boolean, lookup: Lookup): Json[] {
  const strategy = lookup(path);
  if (strategy?.strategy !== 'merge' && !deleteList) return plainValue(patch) as Json[];
  if (live.length === 0 && patch.length === 0) return live;
  const kind = elementKind(live, patch);
  if (kind !== 'object') {
    const id: ItemIdentity = { mergeKey: '', maps: false };
    if (deleteList) return live.filter((item) => !patch.includes(item));
    const merged = [...new Set([...live, ...patch])];
    const [patchItems, serverOnly] = partitionByPresence(merged, patch, id);
    return normalizeOrder({ patchItems, serverOnly, patchOrder: patch, serverOrder: live, id });
  }
  const mergeKey = strategy?.strategy === 'merge' ? strategy.mergeKey : undefined;
  if (!mergeKey) throw patchFailed(`cannot merge lists without merge key for ${path}`);
  const id: ItemIdentity = { mergeKey, maps: true };
  const { remaining, items } = applyItemDirectives(live, patch as JsonObject[], mergeKey);
  const merged = [...remaining];
  for (const item of items) {
    if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const at = indexOfItem(merged, item, id);
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, item, `${path}[]`, lookup);
    else {
      const kept = plainValue(item);
      if (kept !== undefined) merged.push(kept);
    }
  }
  const [patchItems, serverOnly] = partitionByPresence(merged, items, id);
  return normalizeOrder({ patchItems, serverOnly, patchOrder: items, serverOrder: remaining, id });
}

// List items carrying `$patch`: `delete` removes live items with the same key, `replace` makes the rest of
// the patch list the whole list.
function applyItemDirectives(
  live: Json[],
  patch: JsonObject[],
  mergeKey: string,
): { remaining: Json[]; items: JsonObject[] } {
  let remaining = live;
  const items: JsonObject[] = [];
  let replace = false;
  for (const item of patch) {
    if (!hasOwn(item, PATCH)) {
      items.push(item);
      continue;
    }
    const directive = item[PATCH];
    if (directive === 'delete') {
      if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      remaining = remaining.filter((o) => !(isJsonObject(o) && hasOwn(o, mergeKey) && o[mergeKey] === item[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw patchFailed('merging lists cannot yet be specified in the patch');
    } else {
      throw patchFailed(`unknown patch type: ${goValue(directive)} in map: ${goValue(item)}`);
    }
  }
  if (replace) return { remaining: items.map((i) => plainValue(i)).filter((i) => i !== undefined), items: [] };
  return { remaining, items };
}

// All items of both lists must share one JSON kind; lists of lists cannot be merged.
function elementKind(...lists: Json[][]): string {
  let kind: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      const k = jsonKind(item);
      if (kind === undefined) {
        if (k === 'array') throw patchRejected();
        kind = k;
      } else if (k !== kind) {
        throw patchFailed(`list element types are not identical: ${goValue(lists)}`);
      }
    }
  }
  if (kind === undefined) throw patchFailed('no elements in any of the given slices');
  return kind;
}
