// Structural comparison of JSON values for "may not change" rules, in the spirit of apimachinery's
// Semantic.DeepEqual: an absent field equals an explicit null; key order never matters.

/** Whether two JSON values are the same. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null) return b === undefined || b === null;
  if (b === undefined || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => semanticEqual(v, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
    for (const k of keys) if (!semanticEqual(ra[k], rb[k])) return false;
    return true;
  }
  return false;
}

/** The leaf paths where two JSON values differ, as `-`/`+` lines (a readable stand-in for Go's cmp.Diff). */
export function diffLines(before: unknown, after: unknown, path = ''): string[] {
  if (semanticEqual(before, after)) return [];
  const bothObjects =
    before !== null && after !== null && typeof before === 'object' && typeof after === 'object' &&
    Array.isArray(before) === Array.isArray(after);
  if (!bothObjects) {
    const lines: string[] = [];
    if (before !== undefined && before !== null) lines.push(`- \t${path}: ${JSON.stringify(before)},`);
    if (after !== undefined && after !== null) lines.push(`+ \t${path}: ${JSON.stringify(after)},`);
    return lines;
  }
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const keys = Array.isArray(before)
    ? Array.from({ length: Math.max((before as unknown[]).length, (after as unknown[]).length) }, (_, i) => String(i))
    : [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys.flatMap((k) =>
    diffLines(b[k], a[k], Array.isArray(before) ? `${path}[${k}]` : path ? `${path}.${k}` : k),
  );
}
