// How several failure reasons read as one, shared by the authenticator union and RBAC.

/** Distinct reasons the way apimachinery prints an aggregate error: `a`, or `[a, b]`. */
export function joinReasons(reasons: string[]): string {
  const unique = [...new Set(reasons)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}
