// Choosing the endpoint of one service port for one new connection: round-robin over the ready endpoints,
// and with ClientIP session affinity, the endpoint a client used last as long as it is still there and the
// affinity has not timed out (the user-space proxier's LoadBalancerRR).
import type { Endpoint } from './endpoint-slices.ts';
import type { Affinity } from './service-ports.ts';

interface Sticky {
  endpoint: Endpoint;
  lastUsed: number;
}

/** Options for a RoundRobinBalancer; the clock is injectable so affinity timeouts test without waiting. */
export interface BalancerOptions {
  now?: () => number;
}

/** Round-robin with optional ClientIP affinity, for one service port. */
export class RoundRobinBalancer {
  private list: Endpoint[] = [];
  private index = 0;
  private affinity: Affinity = { kind: 'none' };
  private readonly sticky = new Map<string, Sticky>();
  private readonly now: () => number;
  private lastSweep: number;

  constructor(opts: BalancerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.lastSweep = this.now();
  }

  /** The endpoints new connections are spread over. */
  endpoints(): readonly Endpoint[] {
    return this.list;
  }

  /** Takes a new endpoint set and affinity; clients stuck to a removed endpoint are chosen afresh. */
  update(endpoints: readonly Endpoint[], affinity: Affinity): void {
    this.list = [...endpoints];
    this.affinity = affinity;
    if (affinity.kind === 'none') {
      this.sticky.clear();
      return;
    }
    for (const [client, entry] of this.sticky) {
      if (!this.has(entry.endpoint)) this.sticky.delete(client);
    }
  }

  /**
   * The endpoint for a new connection from `clientIP`, or undefined when there is none. `reselect` skips the
   * client's sticky endpoint (it just failed to answer) and sticks the client to the next one instead.
   */
  next(clientIP: string, opts: { reselect?: boolean } = {}): Endpoint | undefined {
    if (this.list.length === 0) return undefined;
    const now = this.now();
    if (this.affinity.kind === 'client-ip') {
      this.sweep(now, this.affinity.timeoutMs);
      const entry = this.sticky.get(clientIP);
      if (entry && !opts.reselect && now - entry.lastUsed < this.affinity.timeoutMs && this.has(entry.endpoint)) {
        entry.lastUsed = now;
        return entry.endpoint;
      }
    }
    const endpoint = this.list[this.index % this.list.length];
    this.index = (this.index + 1) % this.list.length;
    if (this.affinity.kind === 'client-ip') this.sticky.set(clientIP, { endpoint, lastUsed: now });
    return endpoint;
  }

  private has(endpoint: Endpoint): boolean {
    return this.list.some((e) => e.ip === endpoint.ip && e.port === endpoint.port);
  }

  // Forget clients idle past the timeout, at most once per timeout period, so the map cannot grow without bound.
  private sweep(now: number, timeoutMs: number): void {
    if (now - this.lastSweep < timeoutMs) return;
    this.lastSweep = now;
    for (const [client, entry] of this.sticky) {
      if (now - entry.lastUsed >= timeoutMs) this.sticky.delete(client);
    }
  }
}
