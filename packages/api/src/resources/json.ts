// Reading and filling plain JSON objects without type noise: API objects stay plain JSON, and kinds only
// declare the few fields they touch.

/** Reads a path of plain-object fields without type noise: `get(obj, 'spec', 'nodeName')`. */
export function get(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** `get` narrowed to a string ('' when absent). */
export function str(obj: unknown, ...path: string[]): string {
  const v = get(obj, ...path);
  return typeof v === 'string' ? v : '';
}

/** `get` narrowed to an array ([] when absent). */
export function arr<T = Record<string, unknown>>(obj: unknown, ...path: string[]): T[] {
  const v = get(obj, ...path);
  return Array.isArray(v) ? (v as T[]) : [];
}

/** `get` narrowed to a plain object ({} when absent). */
export function rec(obj: unknown, ...path: string[]): Record<string, unknown> {
  const v = get(obj, ...path);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The object at `parent[key]`, created (as {}) when absent, so defaulting can fill nested fields. */
export function ensure(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = parent[key];
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  parent[key] = created;
  return created;
}
