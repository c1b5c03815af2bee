// Polling for asynchronous effects (a watch event reaching the proxy) without fixed sleeps.

/** Resolves with the first truthy value of `probe`, polling every 20 ms; rejects after `timeoutMs`. */
export async function until<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
