// A bounded map whose entries expire: the webhook authenticator and authorizer remember the apiserver's
// answers so that a busy exec or log stream does not cost a TokenReview and a SubjectAccessReview per request.

/** Size and clock of a cache. */
export interface TtlCacheOptions {
  /** Entries kept at most; the oldest insertion goes first. */
  maxEntries?: number;
  now?: () => number;
}

/** Values by key, each with its own time to live. */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: TtlCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 8192;
    this.#now = options.now ?? Date.now;
  }

  /** The value stored under `key`, unless it has expired. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores `value` for `ttlMs`; a TTL of zero or less stores nothing. */
  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
  }

  /** How many entries are held, expired ones included until they are next read. */
  get size(): number {
    return this.#entries.size;
  }
}
